import type { Dispatcher } from 'undici';
import { createOutbound } from '../integrations/outbound.js';
import type { Services } from '../platform/context.js';
import { runAction } from './rule-actions.js';
import {
  RUN_ACTION_JOB,
  RUN_RULES_JOB,
  queueTestimonialRules,
  runRules,
  type ActionJob,
  type RunSubject,
} from './rule-engine.js';
import { registerReviewRequestJobs } from './review-request-service.js';

export interface AutomationWorkerOptions {
  /** Defaults to the address-guarded undici Agent. */
  dispatcher?: Dispatcher;
}

/** Rules on testimonial events, rule and action jobs, and the review request jobs. */
export function registerAutomationWorkers(
  services: Services,
  options: AutomationWorkerOptions = {},
): void {
  const outbound = createOutbound(services, options.dispatcher);
  services.outbox.subscribe(queueTestimonialRules(services));
  services.jobs.register(RUN_RULES_JOB, (payload) => runRules(services, payload as RunSubject));
  services.jobs.register(RUN_ACTION_JOB, (payload) =>
    runAction({ services, outbound }, payload as ActionJob),
  );
  registerReviewRequestJobs(services);
}
