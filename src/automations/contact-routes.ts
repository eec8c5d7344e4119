import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  ContactSchema,
  ListContactsQuery,
  UpdateContactBody,
  UpsertContactBody,
} from './contact-schema.js';
import { deleteContact, updateContact, upsertContact } from './contact-service.js';
import { findContactRow, listContacts, toContact } from './contact-store.js';

const tags = ['contacts'];
const security = [{ apiKey: [] }];
const One = Type.Ref(ContactSchema);

/** `/v1/contacts`: the customers review requests may go to. */
export async function contactRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(ContactSchema);
  const read = requireScope('contacts:read');
  const write = requireScope('contacts:write');
  const { kysely } = services.db;

  app.get(
    '/v1/contacts',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List contacts, newest first',
        querystring: ListContactsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listContacts(kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.post(
    '/v1/contacts',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create or update a contact (matched by external_id, else email)',
        description:
          '201 when created, 200 when an existing contact was updated. Attributes are merged. 409 when the email and external_id belong to two different contacts.',
        body: UpsertContactBody,
        response: { 200: One, 201: One, 409: Type.Ref('Problem'), ...authProblems },
      },
    },
    async (request, reply) => {
      const { contact, created } = await upsertContact(
        services,
        workspaceOf(request),
        request.body,
      );
      return reply.code(created ? 201 : 200).send(contact);
    },
  );

  app.get(
    '/v1/contacts/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a contact',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findContactRow(kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('contact');
      return toContact(row);
    },
  );

  app.patch(
    '/v1/contacts/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Change a contact (also to unsubscribe or resubscribe it)',
        params: IdParams,
        body: UpdateContactBody,
        response: { 200: One, 409: Type.Ref('Problem'), ...authProblems },
      },
    },
    async (request) =>
      updateContact(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/contacts/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Erase a contact with its events and review requests',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteContact(services, workspaceOf(request), request.params.id),
  );
}
