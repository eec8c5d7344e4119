import type { Kysely } from 'kysely';

/* Mail, contacts, customer events, rules, review requests and connections (issue 5).
   Schema builder only, so the file runs on SQLite and PostgreSQL alike. */

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration must not depend on current table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('emails')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider_message_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema
    .createIndex('emails_by_workspace')
    .on('emails')
    .columns(['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text')
    .addColumn('name', 'text')
    .addColumn('company', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull())
    .addColumn('unsubscribed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('unsubscribed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('contacts_email_once', ['workspace_id', 'email'])
    .addUniqueConstraint('contacts_external_id_once', ['workspace_id', 'external_id'])
    .execute();

  await db.schema
    .createTable('customer_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('properties', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('customer_events_once', ['workspace_id', 'external_id'])
    .execute();
  await db.schema
    .createIndex('customer_events_by_workspace')
    .on('customer_events')
    .columns(['workspace_id', 'id'])
    .execute();

  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secret_encrypted', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('rules_by_trigger')
    .on('rules')
    .columns(['workspace_id', 'trigger'])
    .execute();

  await db.schema
    .createTable('rule_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull().references('rules.id').onDelete('cascade'))
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('matched', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('context', 'text', (c) => c.notNull())
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('rule_runs_once', ['rule_id', 'subject_id'])
    .execute();
  await db.schema
    .createIndex('rule_runs_by_rule')
    .on('rule_runs')
    .columns(['rule_id', 'id'])
    .execute();

  await db.schema
    .createTable('review_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('send_at', 'text', (c) => c.notNull())
    .addColumn('reminder_after_days', 'integer')
    .addColumn('reminder_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('reminded_at', 'text')
    .addColumn('opened_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('canceled_at', 'text')
    .addColumn('skipped_reason', 'text')
    .addColumn('testimonial_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('review_requests_by_workspace')
    .on('review_requests')
    .columns(['workspace_id', 'id'])
    .execute();
  await db.schema
    .createIndex('review_requests_by_contact')
    .on('review_requests')
    .columns(['contact_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('email_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workspace_id', 'text', (c) => c.notNull().references('workspaces.id'))
    .addColumn('form_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('email_templates_once', ['form_id', 'kind'])
    .execute();

  await db.schema
    .createTable('automation_settings')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('brand_color', 'text', (c) => c.notNull())
    .addColumn('accent_color', 'text', (c) => c.notNull())
    .addColumn('reminder_after_days', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A testimonial that arrives through a review request is linked to its contact and
  // marked verified: the submitter followed a link only the contact's mailbox received.
  await db.schema
    .alterTable('testimonials')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('testimonials').addColumn('contact_id', 'text').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see up()
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('testimonials').dropColumn('contact_id').execute();
  await db.schema.alterTable('testimonials').dropColumn('verified').execute();
  const tables = [
    'automation_settings',
    'email_templates',
    'review_requests',
    'rule_runs',
    'rules',
    'connections',
    'customer_events',
    'contacts',
    'emails',
  ];
  for (const table of tables) await db.schema.dropTable(table).ifExists().execute();
}
