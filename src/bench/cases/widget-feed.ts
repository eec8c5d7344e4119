import { request } from 'undici';
import { createTestimonial } from '../../testimonials/service.js';
import type { BenchCase, BenchSettings, CaseOutcome } from '../bench-case.js';
import { startBareFastify, startShowTrust } from '../instances.js';
import { describeFailures, perSecond, runLoadsInTurns, type LoadResult } from '../load.js';

const APPROVED_TESTIMONIALS = 20;
export const FEED_AIM_RATIO = 0.7;

/** Embeds fetch the feed cross-origin, so the load sends an Origin as browsers do. */
const REQUEST_HEADERS = { origin: 'https://customer-site.example', accept: 'application/json' };

/** Headers the connection or the moment decides; the bare route lets Fastify set its own. */
const PER_RESPONSE_HEADERS = new Set([
  'connection',
  'content-length',
  'date',
  'keep-alive',
  'transfer-encoding',
]);

function feedLoad(url: string, path: string, settings: BenchSettings) {
  return {
    origin: url,
    path,
    method: 'GET' as const,
    headers: REQUEST_HEADERS,
    expectStatus: 200,
    ...settings,
  };
}

/** Parts each server's measured window is cut into, taken alternately. */
const TURNS = 6;

/**
 * Both servers run in this process on the same Fastify and Node HTTP code, so whichever
 * is measured first also warms the JIT for the other: measured first, the feed ran that
 * code cold and the bare route then found it optimised. So both are warmed up before
 * either is measured, and their measured windows are taken in turns, so that load from
 * other work on this shared machine, which comes and goes, falls on both alike.
 */
async function measureInTurns(
  subjectUrl: string,
  baselineUrl: string,
  path: string,
  settings: BenchSettings,
): Promise<{ subject: LoadResult; baseline: LoadResult }> {
  const specs = [feedLoad(subjectUrl, path, settings), feedLoad(baselineUrl, path, settings)];
  const [subject, baseline] = await runLoadsInTurns(specs, TURNS);
  return { subject: subject!, baseline: baseline! };
}

/**
 * The public feed of the bootstrapped grid widget with 20 approved testimonials, warm,
 * against a bare Fastify route that answers with the very bytes and headers the feed gave.
 */
export const widgetFeedCase: BenchCase = {
  name: 'widget feed: GET /public/v1/widgets/{id}, 20 approved, warm',
  async run(settings): Promise<CaseOutcome> {
    const server = await startShowTrust();
    try {
      const { services, bootstrap } = server;
      for (let i = 0; i < APPROVED_TESTIMONIALS; i++) {
        const input = {
          author_name: `Customer ${i + 1}`,
          author_company: 'Example GmbH',
          text: `Testimonial ${i + 1}: quick to set up, and support answered within the hour. ✨`,
          rating: 5 - (i % 2),
          status: 'approved' as const,
        };
        await createTestimonial(services, bootstrap.workspaceId, input, 'api');
      }

      const path = `/public/v1/widgets/${bootstrap.widgetId}`;
      const probe = await request(`${server.url}${path}`, { headers: REQUEST_HEADERS });
      const body = Buffer.from(await probe.body.arrayBuffer());
      if (probe.statusCode !== 200) {
        return { status: 'unavailable', reason: `the feed route answered ${probe.statusCode}` };
      }
      const headers = Object.fromEntries(
        Object.entries(probe.headers).filter(([name]) => !PER_RESPONSE_HEADERS.has(name)),
      );

      const bare = await startBareFastify((app) => {
        app.get('/public/v1/widgets/:id', async (_request, reply) =>
          reply.headers(headers).send(body),
        );
      });
      const { subject, baseline } = await measureInTurns(
        server.url,
        bare.url,
        path,
        settings,
      ).finally(() => bare.close());

      const ratio = perSecond(subject) / perSecond(baseline);
      return {
        status: 'measured',
        subject: { value: perSecond(subject), unit: 'req/s', label: 'ShowTrust' },
        baseline: {
          value: perSecond(baseline),
          unit: 'req/s',
          label: 'bare Fastify, same bytes and headers',
        },
        higherIsBetter: true,
        aim: { text: `≥ ${FEED_AIM_RATIO * 100} %`, met: ratio >= FEED_AIM_RATIO },
        note: `${body.length.toLocaleString('en-US')}-byte body; ${settings.concurrency} connections; ${describeFailures(subject, baseline)}`,
      };
    } finally {
      await server.dispose();
    }
  },
};
