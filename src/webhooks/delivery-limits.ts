/** The largest message body sent; a bigger event is refused at the source, never sent. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

export function oversizeReason(payloadBytes: number): string | undefined {
  if (payloadBytes <= MAX_PAYLOAD_BYTES) return undefined;
  return `payload is ${payloadBytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit`;
}

/**
 * Why an event is not queued for an endpoint, or undefined to queue it. A refused
 * delivery is still recorded, as failed with this reason, so nothing vanishes silently;
 * `POST …/recover` can send it later, once the endpoint has caught up.
 */
export function refusalReason(
  payloadBytes: number,
  pending: number,
  maxPending: number,
): string | undefined {
  const oversize = oversizeReason(payloadBytes);
  if (oversize) return oversize;
  if (pending >= maxPending) {
    return `endpoint already has ${pending} pending deliveries, the limit (WEBHOOK_MAX_PENDING_PER_ENDPOINT)`;
  }
  return undefined;
}
