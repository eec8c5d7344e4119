import type { Kysely } from 'kysely';

/* Hosted photos and consent revocation (issue 6, C19). Photo bytes live in the database,
   so every server process (several on one PostgreSQL) serves the same ones. A media row
   outlives its photo: when the testimonial is deleted, its consent revoked or the photo
   replaced, the bytes are dropped and `gone_at` set, so its URL answers 410 Gone while an
   id never issued answers 404. Hence no foreign key to testimonials.

   `bytea` is PostgreSQL's binary type; SQLite accepts any declared type and stores a
   blob unchanged, so one schema-builder file serves both. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on current table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('testimonial_id', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .addColumn('bytes', 'bytea')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('gone_at', 'text')
    .execute();
  await db.schema
    .createIndex('media_by_testimonial')
    .on('media')
    .columns(['testimonial_id', 'gone_at'])
    .execute();

  await db.schema.alterTable('testimonials').addColumn('consent_revoked_at', 'text').execute();

  // Public surfaces now show only testimonials with consent. Until now the API and
  // imports stored `consent_given: false` whenever the caller left it out, and the feed
  // did not look: those rows were shown. They keep showing (the API's default is now
  // "the caller vouches"), while form submissions whose author left the box unticked
  // are hidden from now on, as the form promised.
  await db
    .updateTable('testimonials')
    .set({ consent_given: 1 })
    .where('consent_given', '=', 0)
    .where('source', 'in', ['api', 'import'])
    .where('consent_text', 'is', null)
    .execute();
}
