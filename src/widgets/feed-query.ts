import { CompiledQuery, sql, type ExpressionBuilder, type InferResult } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import type { Database } from '../platform/db/schema.js';
import type { PublicTestimonial, WidgetKind, WidgetSettings } from './schema.js';
import { parseSettings } from './store.js';

/*
 * The public feed's reads. They touch the testimonials tables read-only, for the public
 * projection only (no email, no moderation fields), in the shape the feed serializes.
 */

/** Testimonials one widget can page through ("load more" stops here); its summary counts all. */
export const MAX_FEED_ITEMS = 500;

export interface FeedWidget {
  id: string;
  kind: WidgetKind;
  workspaceId: string;
  name: string;
  slug: string | null;
  /** The workspace's content version when the row was read: the feed cache's key. */
  contentVersion: number;
  /** Still JSON: parsed only when the feed is rebuilt, never on a cache hit. */
  settingsJson: string;
}

function widgetWithVersion(executor: Executor, id: string) {
  return executor
    .selectFrom('widgets')
    .innerJoin('workspaces', 'workspaces.id', 'widgets.workspace_id')
    .select([
      'widgets.id',
      'widgets.kind',
      'widgets.workspace_id',
      'widgets.name',
      'widgets.slug',
      'widgets.settings',
      'workspaces.content_version',
    ])
    .where('widgets.id', '=', id);
}
type WidgetWithVersionRow = InferResult<ReturnType<typeof widgetWithVersion>>[number];

/**
 * The widget and its workspace's content version in one query, run on every feed
 * request. Building and compiling the SQL costs more than running it, so it is compiled
 * once per executor and only the id changes.
 */
export class FeedWidgetLookup {
  private readonly sql: string;

  constructor(private readonly executor: Executor) {
    const compiled = widgetWithVersion(executor, '').compile();
    if (compiled.parameters.length !== 1) throw new Error('feed lookup must take only the id');
    this.sql = compiled.sql;
  }

  async find(id: string): Promise<FeedWidget | undefined> {
    const query = CompiledQuery.raw(this.sql, [id]) as CompiledQuery<WidgetWithVersionRow>;
    const { rows } = await this.executor.executeQuery(query);
    const row = rows[0];
    if (!row) return undefined;
    return {
      id: row.id,
      kind: row.kind as WidgetKind,
      workspaceId: row.workspace_id,
      name: row.name,
      slug: row.slug,
      contentVersion: Number(row.content_version),
      settingsJson: row.settings,
    };
  }
}

export function feedSettings(widget: FeedWidget): WidgetSettings {
  return parseSettings(widget.settingsJson);
}

/**
 * Approved testimonials of the workspace, with their author's consent, that pass every
 * filter the widget sets. Every public surface (feed, HTML, pages, summary, JSON-LD,
 * stream) reads through here, so a revoked consent leaves all of them at once.
 */
function shownBy(workspaceId: string, settings: WidgetSettings) {
  return (eb: ExpressionBuilder<Database, 'testimonials'>) => {
    const conditions = [
      eb('testimonials.workspace_id', '=', workspaceId),
      eb('testimonials.status', '=', 'approved'),
      eb('testimonials.consent_given', '=', 1),
    ];
    if (settings.min_rating !== null) {
      conditions.push(eb('testimonials.rating', '>=', settings.min_rating));
    }
    if (settings.featured_only) conditions.push(eb('testimonials.featured', '=', 1));
    if (settings.form_ids.length > 0) {
      conditions.push(eb('testimonials.form_id', 'in', settings.form_ids));
    }
    if (settings.ids.length > 0) conditions.push(eb('testimonials.id', 'in', settings.ids));
    if (settings.tags.length > 0) {
      const tagged = eb
        .selectFrom('testimonial_tags')
        .select('testimonial_tags.tag')
        .whereRef('testimonial_tags.testimonial_id', '=', 'testimonials.id')
        .where('testimonial_tags.tag', 'in', settings.tags);
      conditions.push(eb.exists(tagged));
    }
    return eb.and(conditions);
  };
}

/**
 * Up to MAX_FEED_ITEMS matching testimonials in the widget's order as far as SQL can
 * give it: newest (the base of `random` and `stratified`, which feed-order finishes),
 * highest rated (unrated last) or featured first, newest within ties, the id last so the
 * order is stable between rebuilds.
 */
export async function listFeedTestimonials(
  executor: Executor,
  workspaceId: string,
  settings: WidgetSettings,
): Promise<PublicTestimonial[]> {
  let query = executor
    .selectFrom('testimonials')
    .select([
      'id',
      'rating',
      'title',
      'text',
      'author_name',
      'author_title',
      'author_company',
      'author_avatar_url',
      'featured',
      'verified',
      'created_at',
    ])
    .where(shownBy(workspaceId, settings));
  if (settings.order === 'highest_rated') {
    query = query
      .orderBy(sql`case when rating is null then 1 else 0 end`)
      .orderBy('rating', 'desc');
  } else if (settings.order === 'featured_first') {
    query = query.orderBy('featured', 'desc');
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(MAX_FEED_ITEMS)
    .execute();
  return rows.map((row) => ({
    ...row,
    featured: row.featured === 1,
    verified: row.verified === 1,
  }));
}

export interface RatingTotals {
  count: number;
  ratingSum: number;
  ratingCount: number;
}

/** Totals over every testimonial the widget could show, not only the page it shows. */
export async function feedRatingTotals(
  executor: Executor,
  workspaceId: string,
  settings: WidgetSettings,
): Promise<RatingTotals> {
  const row = await executor
    .selectFrom('testimonials')
    .select((eb) => [
      eb.fn.countAll().as('count'),
      eb.fn.count('testimonials.rating').as('rating_count'),
      eb.fn.coalesce(eb.fn.sum('testimonials.rating'), eb.lit(0)).as('rating_sum'),
    ])
    .where(shownBy(workspaceId, settings))
    .executeTakeFirstOrThrow();
  // PostgreSQL returns bigint aggregates as strings.
  return {
    count: Number(row.count),
    ratingSum: Number(row.rating_sum),
    ratingCount: Number(row.rating_count),
  };
}

/** Whether the workspace hides "Powered by ShowTrust" (no row: it shows). */
export async function isWhiteLabel(executor: Executor, workspaceId: string): Promise<boolean> {
  const row = await executor
    .selectFrom('widget_branding')
    .select('white_label')
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
  return row?.white_label === 1;
}
