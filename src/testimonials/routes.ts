import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { photoRoutes } from '../media/routes.js';
import { notFound, validationError } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import {
  CreateTestimonialBody,
  ListTestimonialsQuery,
  TestimonialSchema,
  UpdateTestimonialBody,
} from './schema.js';
import { createTestimonial, deleteTestimonial, updateTestimonial } from './service.js';
import { findTestimonial, listTestimonials } from './store.js';

/**
 * Revoking consent cannot be undone, so only a JSON boolean may do it: the validator
 * would otherwise coerce null, 0, "" or "false" into `false`.
 */
async function refuseLooseConsent(request: { body: unknown }): Promise<void> {
  const body = request.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && 'consent_given' in body) {
    if (typeof body.consent_given !== 'boolean') {
      throw validationError('/consent_given', 'must be true or false');
    }
  }
}

const tags = ['testimonials'];
const security = [{ apiKey: [] }];
const One = Type.Ref(TestimonialSchema);

export async function testimonialRoutes(app: App, deps: RouteDeps) {
  const { services, requireScope } = deps;
  app.addSchema(TestimonialSchema);
  await app.register(async (scope) => photoRoutes(scope as App, deps));
  const read = requireScope('testimonials:read');
  const write = requireScope('testimonials:write');

  app.get(
    '/v1/testimonials',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List testimonials, newest first, with cursor pagination',
        querystring: ListTestimonialsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listTestimonials(services.db.kysely, workspaceOf(request), request.query);
      return { object: 'list' as const, ...page };
    },
  );

  app.post(
    '/v1/testimonials',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a testimonial',
        body: CreateTestimonialBody,
        response: { 201: One, ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createTestimonial(services, workspaceOf(request), request.body, 'api');
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/testimonials/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a testimonial',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const found = await findTestimonial(
        services.db.kysely,
        workspaceOf(request),
        request.params.id,
      );
      if (!found) throw notFound('testimonial');
      return found;
    },
  );

  app.patch(
    '/v1/testimonials/:id',
    {
      onRequest: write,
      preValidation: refuseLooseConsent,
      schema: {
        tags,
        security,
        summary: 'Moderate or edit a testimonial',
        params: IdParams,
        body: UpdateTestimonialBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) =>
      updateTestimonial(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/testimonials/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a testimonial',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteTestimonial(services, workspaceOf(request), request.params.id),
  );
}
