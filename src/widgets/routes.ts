import { Type } from '@sinclair/typebox';
import { workspaceOf } from '../auth/authenticate.js';
import { notFound } from '../platform/errors.js';
import { IdParams, authProblems, listOf } from '../platform/http/schemas.js';
import type { App, RouteDeps } from '../platform/http/types.js';
import type { Services } from '../platform/context.js';
import { getWidgetBranding, updateWidgetBranding } from './branding.js';
import { demoRoutes } from './demo-page.js';
import { embedScriptRoutes } from './embed-script.js';
import { PublicFeeds } from './feed.js';
import { invalidateFeedsOnChange, type FeedInvalidation } from './feed-invalidation.js';
import { pageRoutes } from './page-routes.js';
import { publicFeedRoutes } from './public-routes.js';
import {
  CreateWidgetBody,
  ListWidgetsQuery,
  UpdateWidgetBody,
  UpdateWidgetBrandingBody,
  WidgetBrandingSchema,
  WidgetSchema,
  WidgetSettingsSchema,
} from './schema.js';
import { createWidget, deleteWidget, updateWidget } from './service.js';
import { findWidgetRow, listWidgetRows, toWidget } from './store.js';
import { FeedStreams } from './stream-hub.js';
import { streamRoutes } from './stream-routes.js';
import { readWidgetAssets, WIDGET_ASSETS_DIR, widgetAssetRoutes } from './widget-assets.js';

const tags = ['widgets'];
const security = [{ apiKey: [] }];
const One = Type.Ref(WidgetSchema);

const streamsByServices = new WeakMap<Services, FeedStreams>();
const invalidationByServices = new WeakMap<Services, FeedInvalidation>();

/** The live streams of a running app, for operators' checks and tests. */
export function liveStreamsOf(services: Services): FeedStreams | undefined {
  return streamsByServices.get(services);
}

/** How a running app's feed cache hears of changes (tests await `listening`). */
export function feedInvalidationOf(services: Services): FeedInvalidation | undefined {
  return invalidationByServices.get(services);
}

/**
 * Widgets API (`/v1/widgets`, `/v1/widget-branding`), the public feed and its stream,
 * the wall and iframe pages, `/embed.js` with its layout chunks, and `/demo`. One feed
 * cache serves all of them.
 */
export async function widgetRoutes(app: App, deps: RouteDeps) {
  const { services } = deps;
  app.addSchema(WidgetSettingsSchema);
  app.addSchema(WidgetSchema);
  app.addSchema(WidgetBrandingSchema);
  const feeds = new PublicFeeds(services.db.kysely, {
    nowMs: () => services.clock.nowMs(),
    publicUrl: () => services.config.publicUrl,
  });
  const invalidation = invalidateFeedsOnChange(services, feeds);
  invalidationByServices.set(services, invalidation);
  app.addHook('onClose', async () => invalidation.stop());
  const streams = new FeedStreams(feeds, services.db.kysely, services.pubsub, services.log);
  streamsByServices.set(services, streams);
  const assets = readWidgetAssets(WIDGET_ASSETS_DIR, services.log);

  await widgetApiRoutes(app, deps);
  await brandingRoutes(app, deps);
  await publicFeedRoutes(app, deps, feeds);
  await streamRoutes(app, feeds, streams);
  await pageRoutes(app, deps, feeds, assets.manifest?.frame);
  await embedScriptRoutes(app, deps);
  await widgetAssetRoutes(app, assets);
  await demoRoutes(app, deps);
}

async function brandingRoutes(app: App, { services, requireScope }: RouteDeps) {
  const Branding = Type.Ref(WidgetBrandingSchema);
  app.get(
    '/v1/widget-branding',
    {
      onRequest: requireScope('widgets:read'),
      schema: {
        tags,
        security,
        summary: 'The workspace’s widget branding (white label)',
        response: { 200: Branding, ...authProblems },
      },
    },
    async (request) => getWidgetBranding(services.db.kysely, workspaceOf(request)),
  );
  app.patch(
    '/v1/widget-branding',
    {
      onRequest: requireScope('widgets:write'),
      schema: {
        tags,
        security,
        summary: 'Show or hide "Powered by ShowTrust" in every widget of the workspace',
        body: UpdateWidgetBrandingBody,
        response: { 200: Branding, ...authProblems },
      },
    },
    async (request) => updateWidgetBranding(services, workspaceOf(request), request.body),
  );
}

async function widgetApiRoutes(app: App, { services, requireScope }: RouteDeps) {
  const read = requireScope('widgets:read');
  const write = requireScope('widgets:write');
  const { config } = services;

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
      const data = page.rows.map((row) => toWidget(row, config.publicUrl));
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
      return toWidget(row, config.publicUrl);
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
        summary: 'Delete a widget; its embeds stop showing and its live streams close',
        params: IdParams,
        response: { 200: One, ...authProblems },
      },
    },
    async (request) => deleteWidget(services, workspaceOf(request), request.params.id),
  );
}
