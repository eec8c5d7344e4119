import { expect } from 'vitest';
import type { TestContext } from './harness.js';

/** Thin wrappers over the webhook API for tests: each checks the status it expects. */
export function webhookApi(t: TestContext, apiKey: string) {
  async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    return t.app.inject({
      method,
      url,
      headers: t.auth(apiKey),
      ...(payload ? { payload } : {}),
    });
  }
  async function expectJson(
    status: number,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) {
    const res = await call(method, url, payload);
    expect([method, url, res.statusCode, res.statusCode === status ? '' : res.body]).toEqual([
      method,
      url,
      status,
      '',
    ]);
    return res.json();
  }
  return {
    call,
    expectJson,
    async createEndpoint(body: Record<string, unknown>) {
      return expectJson(201, 'POST', '/v1/webhook-endpoints', body) as Promise<{
        id: string;
        secret: string;
      }>;
    },
    async createTestimonial(body: Record<string, unknown> = {}) {
      const payload = { text: 'Nice', author_name: 'Ann', ...body };
      return expectJson(201, 'POST', '/v1/testimonials', payload) as Promise<{ id: string }>;
    },
    async endpoint(id: string) {
      return expectJson(200, 'GET', `/v1/webhook-endpoints/${id}`);
    },
    async deliveries(endpointId: string, query = '?limit=100') {
      const page = await expectJson(
        200,
        'GET',
        `/v1/webhook-endpoints/${endpointId}/deliveries${query}`,
      );
      return page.data as {
        id: string;
        status: string;
        attempt_count: number;
        last_error: string | null;
        event_id: string;
        next_attempt_at: string | null;
        attempts: { attempt: number; status_code: number | null; created_at: string }[];
      }[];
    },
    async events(type: string) {
      const page = await expectJson(200, 'GET', `/v1/events?type=${type}&limit=100`);
      return page.data as { id: string; type: string; data: Record<string, unknown> }[];
    },
  };
}
