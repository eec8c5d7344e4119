import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CancelReviewRequestBody,
  CreateReviewRequestBody,
  ListReviewRequestsQuery,
  ReviewRequestSchema,
} from './review-request-schema.js';
import { cancelReviewRequest, createReviewRequest } from './review-request-service.js';
import {
  findReviewRequestRow,
  listReviewRequestRows,
  toReviewRequest,
} from './review-request-store.js';
import { loadSettings } from './settings-store.js';

const tags = ['review requests'];
const security = [{ apiKey: [] }];
const One = Type.Ref(ReviewRequestSchema);

/** `/v1/review-requests`: personal asks for a testimonial, by email with a single-use link. */
export async function reviewRequestRoutes(app: App, { services, requireScope }: RouteDeps) {
  app.addSchema(ReviewRequestSchema);
  const read = requireScope('review-requests:read');
  const write = requireScope('review-requests:write');
  const { kysely } = services.db;

  app.get(
    '/v1/review-requests',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List review requests, newest first',
        querystring: ListReviewRequestsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const page = await listReviewRequestRows(kysely, workspaceId, request.query);
      const { time_zone: zone } = await loadSettings(kysely, workspaceId);
      return {
        object: 'list' as const,
        data: page.rows.map((r) => toReviewRequest(r, zone)),
        has_more: page.has_more,
      };
    },
  );

  app.post(
    '/v1/review-requests',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Ask a contact for a testimonial, now or at a time',
        description:
          'The email carries a personal link `/r/{token}` (single use, 30 days from sending) and a one-click unsubscribe link. Never sent to an unsubscribed contact. One reminder follows after `reminder_after_days` unless completed.',
        body: CreateReviewRequestBody,
        response: { 201: One, ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createReviewRequest(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/review-requests/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a review request',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const workspaceId = workspaceOf(request);
      const row = await findReviewRequestRow(kysely, workspaceId, request.params.id);
      if (!row) throw notFound('review request');
      return toReviewRequest(row, (await loadSettings(kysely, workspaceId)).time_zone);
    },
  );

  app.post(
    '/v1/review-requests/:id/cancel',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Cancel a request: nothing more is sent and its link stops working',
        params: IdParams,
        body: Type.Optional(CancelReviewRequestBody),
        response: { 200: One, 409: Type.Ref('Problem'), ...authProblems },
      },
    },
    async (request) => cancelReviewRequest(services, workspaceOf(request), request.params.id),
  );
}
