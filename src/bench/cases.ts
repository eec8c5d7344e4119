import type { BenchCase } from './bench-case.js';
import { apiCreateCase } from './cases/api-create.js';
import { importSampleCase } from './cases/import-sample.js';
import { webhookDeliveryCases } from './cases/webhook-delivery.js';
import { widgetFeedCase } from './cases/widget-feed.js';

/** Every case `npm run bench` runs, in order. A later feature adds its module here. */
export const BENCH_CASES: BenchCase[] = [
  widgetFeedCase,
  apiCreateCase,
  importSampleCase,
  ...webhookDeliveryCases,
];
