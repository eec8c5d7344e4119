import type { Kysely } from 'kysely';

/* Widget layouts (issue 6): a public slug per widget for its wall-of-love page, an avatar
   URL on testimonials for the photo option, and the workspace's white-label switch.
   Schema builder only, so the file runs on SQLite and PostgreSQL alike. A slug is
   nullable: rows written before it (and the bootstrap widget) are reached by their id. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on current table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('widgets').addColumn('slug', 'text').execute();
  await db.schema
    .createIndex('widgets_slug_unique')
    .on('widgets')
    .column('slug')
    .unique()
    .execute();

  await db.schema.alterTable('testimonials').addColumn('author_avatar_url', 'text').execute();

  await db.schema
    .createTable('widget_branding')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('white_label', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
