import type { Dispatcher } from 'undici';
import type { Services } from '../platform/context.js';
import { DELIVER_JOB, createDeliveryHandler } from './deliver.js';
import { fanOutToEndpoints } from './fan-out.js';
import { createGuardedAgent } from './guarded-agent.js';
import { registerQueueGauges, webhookMetrics } from './metrics.js';
import { randomJitter, type Jitter } from './retry-policy.js';

export interface DeliveryJobOptions {
  /** Defaults to ±JITTER_RATIO random spread; tests pass a fixed one. */
  jitter?: Jitter;
  /** Defaults to the address-guarded undici Agent, closed when the services close. */
  dispatcher?: Dispatcher;
}

/** The guarded Agent every webhook of this process goes through; closed at shutdown. */
export function createWebhookDispatcher(services: Services): Dispatcher {
  const { allowPrivate, timeoutMs } = services.config.webhooks;
  const agent = createGuardedAgent({ allowPrivate, connectTimeoutMs: timeoutMs });
  services.onClose(() => agent.close());
  return agent;
}

/** Registers (or replaces) the `webhook.deliver` job handler. */
export function registerDeliveryJob(services: Services, options: DeliveryJobOptions = {}): void {
  const dispatcher = options.dispatcher ?? createWebhookDispatcher(services);
  const jitter = options.jitter ?? randomJitter();
  const metrics = webhookMetrics(services.metrics);
  services.jobs.register(
    DELIVER_JOB,
    createDeliveryHandler(services, { dispatcher, jitter, metrics }),
  );
}

/** Subscribes webhook fan-out to the outbox, registers the delivery job and queue gauges. */
export function registerWebhookWorkers(services: Services): void {
  services.outbox.subscribe(fanOutToEndpoints(services));
  registerDeliveryJob(services);
  registerQueueGauges(services);
}
