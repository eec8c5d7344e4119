import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../platform/db/database.js';
import { PreparedQuery } from '../platform/db/prepared.js';
import type {
  WebhookAttemptTable,
  WebhookDeliveryTable,
  WebhookEndpointTable,
} from '../platform/db/schema.js';
import { validationError } from '../platform/errors.js';
import type {
  DeliveryStatus,
  ListDeliveriesFilter,
  WebhookAttempt,
  WebhookDelivery,
} from './schema.js';

export type DeliveryRow = Selectable<WebhookDeliveryTable>;

/** Inserts deliveries, skipping any (endpoint, event) pair that exists; returns the new ids. */
export async function insertDeliveries(
  executor: Executor,
  rows: Insertable<WebhookDeliveryTable>[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await executor
    .insertInto('webhook_deliveries')
    .values(rows)
    .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
    .returning('id')
    .execute();
  return inserted.map((row) => row.id);
}

const deliveryWork = new PreparedQuery<{ id: string }, DeliveryWork>((db, slot) =>
  db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('events as ev', 'ev.id', 'd.event_id')
    .select([
      'd.id',
      'd.workspace_id',
      'd.endpoint_id',
      'd.status',
      'd.attempt_count',
      'e.url',
      'e.kind',
      'e.enabled',
      'e.rate_limit_per_second',
      'e.secret_encrypted',
      'e.previous_secret_encrypted',
      'e.previous_secret_expires_at',
      'e.failing_since',
      'ev.id as event_id',
      'ev.type as event_type',
      'ev.data as event_data',
      'ev.created_at as event_created_at',
    ])
    .where('d.id', '=', slot('id')),
);

/** Everything an attempt at a delivery needs, read in one query run for every attempt. */
export async function loadDeliveryWork(
  executor: Executor,
  deliveryId: string,
): Promise<DeliveryWork | undefined> {
  const { rows } = await deliveryWork.execute(executor, { id: deliveryId });
  return rows[0];
}

/** An attempt's delivery, its endpoint and its event, as loadDeliveryWork reads them. */
export interface DeliveryWork
  extends
    Pick<
      Selectable<WebhookDeliveryTable>,
      'id' | 'workspace_id' | 'endpoint_id' | 'status' | 'attempt_count'
    >,
    Pick<
      Selectable<WebhookEndpointTable>,
      | 'url'
      | 'kind'
      | 'enabled'
      | 'rate_limit_per_second'
      | 'secret_encrypted'
      | 'previous_secret_encrypted'
      | 'previous_secret_expires_at'
      | 'failing_since'
    > {
  event_id: string;
  event_type: string;
  event_data: string;
  event_created_at: string;
}

export async function findDeliveryRow(
  executor: Executor,
  deliveryId: string,
): Promise<DeliveryRow | undefined> {
  return executor
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('id', '=', deliveryId)
    .executeTakeFirst();
}

export interface AttemptRecord {
  attempt: Selectable<WebhookAttemptTable>;
  status: DeliveryStatus;
  nextAttemptAt: string | null;
}

// Every attempt writes these two, so they are compiled once (see PreparedQuery).
const advanceDelivery = new PreparedQuery<{
  id: string;
  status: DeliveryStatus;
  attempt: number;
  previousAttempt: number;
  nextAttemptAt: string | null;
  statusCode: number | null;
  error: string | null;
  at: string;
}>((db, slot) =>
  db
    .updateTable('webhook_deliveries')
    .set({
      status: slot('status'),
      attempt_count: slot('attempt'),
      next_attempt_at: slot('nextAttemptAt'),
      last_status_code: slot('statusCode'),
      last_error: slot('error'),
      updated_at: slot('at'),
    })
    .where('id', '=', slot('id'))
    .where('status', '=', 'pending')
    .where('attempt_count', '=', slot('previousAttempt')),
);

const insertAttempt = new PreparedQuery<Selectable<WebhookAttemptTable>>((db, slot) =>
  db.insertInto('webhook_attempts').values({
    id: slot('id'),
    workspace_id: slot('workspace_id'),
    delivery_id: slot('delivery_id'),
    endpoint_id: slot('endpoint_id'),
    attempt: slot('attempt'),
    status_code: slot('status_code'),
    duration_ms: slot('duration_ms'),
    error: slot('error'),
    response_excerpt: slot('response_excerpt'),
    created_at: slot('created_at'),
  }),
);

/**
 * Stores an attempt and moves the delivery on, guarded by the attempt count it started
 * from: if another worker already recorded this attempt (a lease ran out mid-send),
 * nothing is written and false comes back.
 */
export async function recordAttempt(executor: Executor, record: AttemptRecord): Promise<boolean> {
  const { attempt } = record;
  const updated = await advanceDelivery.execute(executor, {
    id: attempt.delivery_id,
    status: record.status,
    attempt: attempt.attempt,
    previousAttempt: attempt.attempt - 1,
    nextAttemptAt: record.nextAttemptAt,
    statusCode: attempt.status_code,
    error: attempt.error,
    at: attempt.created_at,
  });
  if (Number(updated.numAffectedRows ?? 0) === 0) return false;

  await insertAttempt.execute(executor, attempt);
  return true;
}

/**
 * Parks a pending delivery of a disabled endpoint: no next attempt time, no job. The
 * condition re-reads the endpoint so a concurrent re-enable cannot be missed.
 */
export async function parkDelivery(executor: Executor, deliveryId: string): Promise<void> {
  await executor
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: null })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('webhook_endpoints as e')
          .select('e.id')
          .whereRef('e.id', '=', 'webhook_deliveries.endpoint_id')
          .where('e.enabled', '=', 0),
      ),
    )
    .execute();
}

/** Ends a pending delivery as failed without an attempt, with the reason it cannot be sent. */
export async function refuseDelivery(
  executor: Executor,
  deliveryId: string,
  reason: string,
  nowIso: string,
): Promise<void> {
  await executor
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error: reason, updated_at: nowIso })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

/** Un-parks an endpoint's deliveries, due now; returns their ids so jobs can be queued. */
export async function resumeParkedDeliveries(
  executor: Executor,
  endpointId: string,
  nowIso: string,
): Promise<string[]> {
  const rows = await executor
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: nowIso, updated_at: nowIso })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('next_attempt_at', 'is', null)
    .returning('id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Makes a finished (succeeded or failed) delivery pending again, due now, for an
 * operator's retry or recovery. False when it is pending already, so no second job runs.
 */
export async function requeueDelivery(
  executor: Executor,
  deliveryId: string,
  nowIso: string,
): Promise<boolean> {
  const updated = await executor
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: nowIso, updated_at: nowIso })
    .where('id', '=', deliveryId)
    .where('status', '<>', 'pending')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** An endpoint's failed deliveries of events since a time, oldest first. */
export async function failedDeliveryIdsSince(
  executor: Executor,
  endpointId: string,
  sinceIso: string,
): Promise<string[]> {
  const rows = await executor
    .selectFrom('webhook_deliveries')
    .select('id')
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'failed')
    .where('created_at', '>=', sinceIso)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Pending deliveries per endpoint (parked ones included): what the queue cap counts. */
export async function countPending(
  executor: Executor,
  endpointIds: string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (endpointIds.length === 0) return counts;
  const rows = await executor
    .selectFrom('webhook_deliveries')
    .select(['endpoint_id', (eb) => eb.fn.countAll<string | number>().as('pending')])
    .where('endpoint_id', 'in', endpointIds)
    .where('status', '=', 'pending')
    .groupBy('endpoint_id')
    .execute();
  for (const row of rows) counts.set(row.endpoint_id, Number(row.pending));
  return counts;
}

async function attemptsFor(
  executor: Executor,
  deliveryIds: string[],
): Promise<Map<string, WebhookAttempt[]>> {
  const byDelivery = new Map<string, WebhookAttempt[]>(deliveryIds.map((id) => [id, []]));
  if (deliveryIds.length === 0) return byDelivery;
  const rows = await executor
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('attempt')
    .execute();
  for (const row of rows) {
    byDelivery.get(row.delivery_id)?.push({
      attempt: row.attempt,
      status_code: row.status_code,
      duration_ms: row.duration_ms,
      error: row.error,
      response_excerpt: row.response_excerpt,
      created_at: row.created_at,
    });
  }
  return byDelivery;
}

/** Which deliveries a list shows: one endpoint's, or one event's across its workspace's endpoints. */
export type DeliveryScope = { endpointId: string } | { workspaceId: string; eventId: string };

function inScope(row: DeliveryRow, scope: DeliveryScope): boolean {
  return 'endpointId' in scope
    ? row.endpoint_id === scope.endpointId
    : row.workspace_id === scope.workspaceId && row.event_id === scope.eventId;
}

/** Deliveries newest first, each with its attempts in order. */
export async function listDeliveries(
  executor: Executor,
  scope: DeliveryScope,
  filter: ListDeliveriesFilter,
): Promise<{ data: WebhookDelivery[]; has_more: boolean }> {
  const limit = filter.limit ?? 20;
  let query = executor
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as ev', 'ev.id', 'd.event_id')
    .selectAll('d')
    .select('ev.type as event_type');
  query =
    'endpointId' in scope
      ? query.where('d.endpoint_id', '=', scope.endpointId)
      : query
          .where('d.workspace_id', '=', scope.workspaceId)
          .where('d.event_id', '=', scope.eventId);

  if (filter.status) query = query.where('d.status', '=', filter.status);
  if (filter.starting_after) {
    const cursor = await findDeliveryRow(executor, filter.starting_after);
    if (!cursor || !inScope(cursor, scope)) {
      throw validationError('starting_after', 'is not the id of a delivery in this list');
    }
    query = query.where('d.id', '<', cursor.id);
  }

  const rows = await query
    .orderBy('d.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const attempts = await attemptsFor(
    executor,
    page.map((row) => row.id),
  );
  const data = page.map((row) => toDelivery(row, attempts.get(row.id) ?? []));
  return { data, has_more: rows.length > limit };
}

export function toDelivery(
  row: DeliveryRow & { event_type: string },
  attempts: WebhookAttempt[],
): WebhookDelivery {
  return {
    id: row.id,
    object: 'webhook_delivery',
    endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status as DeliveryStatus,
    attempt_count: row.attempt_count,
    next_attempt_at: row.next_attempt_at,
    last_status_code: row.last_status_code,
    last_error: row.last_error,
    attempts,
    created_at: row.created_at,
  };
}

/** One delivery as the API shows it, or undefined when it is not in the scope. */
export async function getDelivery(
  executor: Executor,
  scope: DeliveryScope,
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  const row = await executor
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as ev', 'ev.id', 'd.event_id')
    .selectAll('d')
    .select('ev.type as event_type')
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row || !inScope(row, scope)) return undefined;
  const attempts = await attemptsFor(executor, [row.id]);
  return toDelivery(row, attempts.get(row.id) ?? []);
}
