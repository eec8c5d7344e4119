import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../../auth/authenticate.js';
import { notFound } from '../errors.js';
import { IdParams, authProblems, listOf } from '../http/schemas.js';
import type { App, RouteDeps } from '../http/types.js';
import { EmailSchema, ListEmailsQuery } from './schema.js';
import { findEmail, listEmails } from './email-store.js';

const tags = ['emails'];
const security = [{ apiKey: [] }];
const One = Type.Ref(EmailSchema);

/**
 * `/v1/emails`: the messages this workspace sent or kept. Without SMTP_URL this is where
 * captured mail is read; with it, each message's delivery status.
 */
export async function emailRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(EmailSchema);
  const read = requireScope('emails:read');

  app.get(
    '/v1/emails',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List emails of this workspace, newest first',
        querystring: ListEmailsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listEmails(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.get(
    '/v1/emails/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get an email',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const email = await findEmail(services.db.kysely, workspaceOf(request), request.params.id);
      if (!email) throw notFound('email');
      return email;
    },
  );
}
