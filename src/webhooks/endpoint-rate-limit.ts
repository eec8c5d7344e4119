import type { Executor } from '../platform/db/database.js';

/** The highest `rate_limit_per_second` an endpoint may set. */
export const MAX_RATE_LIMIT_PER_SECOND = 1_000;
const WINDOW_MS = 1_000;

/**
 * Takes one send from the endpoint's current one-second window. The count lives on the
 * endpoint row and changes in one conditional UPDATE, so every process shares the limit.
 * Returns undefined when the send may go now, else when the next window opens.
 */
export async function takeRateSlot(
  executor: Executor,
  endpointId: string,
  limitPerSecond: number,
  nowMs: number,
): Promise<number | undefined> {
  const windowStartMs = Math.floor(nowMs / WINDOW_MS) * WINDOW_MS;
  const window = new Date(windowStartMs).toISOString();

  const result = await executor
    .updateTable('webhook_endpoints')
    .set((eb) => ({
      rate_window_start: window,
      rate_window_count: eb
        .case()
        .when('rate_window_start', '=', window)
        .then(eb('rate_window_count', '+', 1))
        .else(1)
        .end(),
    }))
    .where('id', '=', endpointId)
    .where((eb) =>
      eb.or([
        eb('rate_window_start', 'is', null),
        eb('rate_window_start', '<>', window),
        eb('rate_window_count', '<', limitPerSecond),
      ]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? undefined : windowStartMs + WINDOW_MS;
}
