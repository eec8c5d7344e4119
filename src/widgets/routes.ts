import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import { demoRoutes } from './demo-page.js';
import { embedScriptRoutes } from './embed-script.js';
import { publicFeedRoutes } from './public-routes.js';
import {
  CreateWidgetBody,
  ListWidgetsQuery,
  UpdateWidgetBody,
  WidgetSchema,
  WidgetSettingsSchema,
} from './schema.js';
import { createWidget, deleteWidget, updateWidget } from './service.js';
import { findWidgetRow, listWidgetRows, toWidget } from './store.js';

const tags = ['widgets'];
const security = [{ apiKey: [] }];
const One = Type.Ref(WidgetSchema);

/** Widgets API (`/v1/widgets`), the public feed, `/embed.js` and `/demo`. */
export async function widgetRoutes(app: App, deps: RouteDeps) {
  app.addSchema(WidgetSettingsSchema);
  app.addSchema(WidgetSchema);
  await widgetApiRoutes(app, deps);
  await publicFeedRoutes(app, deps);
  await embedScriptRoutes(app, deps);
  await demoRoutes(app, deps);
}

async function widgetApiRoutes(app: App, { services, requireScope }: RouteDeps) {
  const read = requireScope('widgets:read');
  const write = requireScope('widgets:write');
  const { publicUrl } = services.config;

  app.get(
    '/v1/widgets',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'List widgets, newest first, with cursor pagination',
        querystring: ListWidgetsQuery,
        response: { 200: listOf(One), ...authProblems },
      },
    },
    async (request) => {
      const page = await listWidgetRows(services.db.kysely, workspaceOf(request), request.query);
      const data = page.rows.map((row) => toWidget(row, publicUrl));
      return { object: 'list' as const, data, has_more: page.has_more };
    },
  );

  app.post(
    '/v1/widgets',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Create a widget',
        body: CreateWidgetBody,
        response: { 201: One, ...authProblems },
      },
    },
    async (request, reply) => {
      const created = await createWidget(services, workspaceOf(request), request.body);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/widgets/:id',
    {
      onRequest: read,
      schema: {
        tags,
        security,
        summary: 'Get a widget',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => {
      const row = await findWidgetRow(services.db.kysely, workspaceOf(request), request.params.id);
      if (!row) throw notFound('widget');
      return toWidget(row, publicUrl);
    },
  );

  app.patch(
    '/v1/widgets/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Update a widget; `settings` fields not named keep their values',
        params: IdParams,
        body: UpdateWidgetBody,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) =>
      updateWidget(services, workspaceOf(request), request.params.id, request.body),
  );

  app.delete(
    '/v1/widgets/:id',
    {
      onRequest: write,
      schema: {
        tags,
        security,
        summary: 'Delete a widget; its embeds stop showing',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteWidget(services, workspaceOf(request), request.params.id),
  );
}
