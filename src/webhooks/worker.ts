import type { Dispatcher } from 'undici';
import type { Services } from '../platform/context.js';
import { DELIVER_JOB, createDeliveryHandler } from './deliver.js';
import { fanOutToEndpoints } from './fan-out.js';
import { createGuardedAgent } from './guarded-agent.js';
import { randomJitter, type Jitter } from './retry-policy.js';

export interface DeliveryJobOptions {
  /** Defaults to ±JITTER_RATIO random spread; tests pass a fixed one. */
  jitter?: Jitter;
  /** Defaults to the address-guarded undici Agent. */
  dispatcher?: Dispatcher;
}

/** Registers (or replaces) the `webhook.deliver` job handler. */
export function registerDeliveryJob(services: Services, options: DeliveryJobOptions = {}): void {
  const { allowPrivate, timeoutMs } = services.config.webhooks;
  const dispatcher =
    options.dispatcher ?? createGuardedAgent({ allowPrivate, connectTimeoutMs: timeoutMs });
  const jitter = options.jitter ?? randomJitter();
  services.jobs.register(DELIVER_JOB, createDeliveryHandler(services, { dispatcher, jitter }));
}

/** Subscribes webhook fan-out to the outbox and registers the delivery job. */
export function registerWebhookWorkers(services: Services): void {
  services.outbox.subscribe(fanOutToEndpoints(services));
  registerDeliveryJob(services);
}
