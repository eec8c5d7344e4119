import path from 'node:path';
// The baseline is the floor under the product's storage layer, so it talks to the
// driver directly; features never do.
import SQLite from 'better-sqlite3';
import { newId } from '../../platform/ids.js';
import type { BenchCase, BenchSettings, CaseOutcome } from '../bench-case.js';
import { makeTempDir, startBareFastify, startShowTrust } from '../instances.js';
import { describeFailures, perSecond, runLoad, type LoadResult } from '../load.js';

const BODY = JSON.stringify({
  author_name: 'Bench Marker',
  author_title: 'Head of Tests',
  text: 'Set up in ten minutes and our reviews were on the site the same afternoon. 👍',
  rating: 5,
  tags: ['bench'],
});

interface CreateBody {
  author_name: string;
  author_title?: string;
  text: string;
  rating?: number;
}

/**
 * A bare Fastify route that stores a row shaped like a testimonial in one better-sqlite3
 * transaction, with the pragmas the product uses (WAL, synchronous=FULL): the cost of the
 * HTTP framework plus one durable insert, and nothing else.
 */
async function measureBaseline(settings: BenchSettings): Promise<LoadResult> {
  const temp = makeTempDir('baseline');
  const db = new SQLite(path.join(temp.dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`create table testimonials (
    id text primary key, workspace_id text not null, status text not null, source text not null,
    rating integer, text text not null, author_name text not null, author_title text,
    created_at text not null, updated_at text not null)`);
  const insert = db.prepare(
    `insert into testimonials values (@id, @workspace_id, @status, @source, @rating, @text,
      @author_name, @author_title, @created_at, @updated_at)`,
  );
  const store = db.transaction((row: Record<string, unknown>) => insert.run(row));

  const server = await startBareFastify((app) => {
    app.post<{ Body: CreateBody }>('/v1/testimonials', async (request, reply) => {
      const now = new Date().toISOString();
      const row = {
        id: newId('testimonial'),
        workspace_id: 'wsp_bench',
        status: 'pending',
        source: 'api',
        rating: request.body.rating ?? null,
        text: request.body.text,
        author_name: request.body.author_name,
        author_title: request.body.author_title ?? null,
        created_at: now,
        updated_at: now,
      };
      store(row);
      return reply.code(201).send(row);
    });
  });
  try {
    return await runLoad(createLoad(server.url, {}, settings));
  } finally {
    await server.close();
    db.close();
    temp.remove();
  }
}

function createLoad(url: string, headers: Record<string, string>, settings: BenchSettings) {
  return {
    origin: url,
    path: '/v1/testimonials',
    method: 'POST' as const,
    headers: { 'content-type': 'application/json', ...headers },
    body: BODY,
    expectStatus: 201,
    ...settings,
  };
}

/** POST /v1/testimonials on the real server: key check, validation, row, tags, outbox event. */
async function measureShowTrust(settings: BenchSettings): Promise<LoadResult> {
  const server = await startShowTrust();
  try {
    const headers = { authorization: `Bearer ${server.bootstrap.apiKey}` };
    return await runLoad(createLoad(server.url, headers, settings));
  } finally {
    await server.dispose();
  }
}

export const apiCreateCase: BenchCase = {
  name: 'API create: POST /v1/testimonials (SQLite)',
  async run(settings): Promise<CaseOutcome> {
    const baseline = await measureBaseline(settings);
    const subject = await measureShowTrust(settings);
    return {
      status: 'measured',
      subject: { value: perSecond(subject), unit: 'testimonials/s', label: 'ShowTrust' },
      baseline: {
        value: perSecond(baseline),
        unit: 'testimonials/s',
        label: 'bare Fastify + better-sqlite3 insert transaction',
      },
      higherIsBetter: true,
      note: `${settings.concurrency} connections; ${subject.ok} created; ${describeFailures(subject, baseline)}`,
    };
  },
};
