import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FORM } from '../forms/defaults.js';
import { parseConfig } from '../platform/config.js';
import type { Services } from '../platform/context.js';
import { newId } from '../platform/ids.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { isoNow } from '../platform/time.js';
import { bootstrapWorkspace } from '../workspaces/bootstrap.js';
import { insertWorkspace } from '../workspaces/store.js';
import { IMPORT_USAGE, parseImportArgs } from './import.js';
import { UsageError } from './usage-error.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SAMPLE = path.resolve(repoRoot, '../shared/data/amazon-fine-food-reviews-sample.csv');
const hasSample = fs.existsSync(SAMPLE);
if (!hasSample)
  console.warn(`[showtrust tests] ${SAMPLE} is absent: the real-sample import is skipped`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('showtrust import (sqlite, as a process)', () => {
  let dataDir: string;
  let services: Services;
  let defaultWorkspaceId: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'showtrust-cli-import-'));
    services = await createServices(parseConfig({ SHOWTRUST_DATA_DIR: dataDir }), {
      log: createLogger('silent'),
    });
    defaultWorkspaceId = (await bootstrapWorkspace(services)).workspaceId;
  });
  afterAll(async () => {
    await services.db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function showtrust(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SHOWTRUST_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    };
    delete env.DATABASE_URL;
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/main.ts', 'import', ...args],
        { cwd: repoRoot, env, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  function writeFile(name: string, content: string): string {
    const file = path.join(dataDir, name);
    fs.writeFileSync(file, content);
    return file;
  }

  async function newWorkspace(): Promise<string> {
    return insertWorkspace(services.db.kysely, 'Import test', isoNow(services.clock));
  }

  async function rowsOf(workspaceId: string) {
    return services.db.kysely
      .selectFrom('testimonials')
      .select(['author_name', 'status', 'source', 'form_id'])
      .where('workspace_id', '=', workspaceId)
      .orderBy('author_name')
      .execute();
  }

  it('imports JSON Lines into the named workspace and form, reporting rejected records', async () => {
    const workspaceId = await newWorkspace();
    const formId = newId('form');
    const now = isoNow(services.clock);
    await services.db.kysely
      .insertInto('forms')
      .values({
        ...DEFAULT_FORM,
        id: formId,
        workspace_id: workspaceId,
        slug: 'launch',
        created_at: now,
        updated_at: now,
      })
      .execute();
    const file = writeFile(
      'people.jsonl',
      [
        '{"author_name":"Ana","text":"Great","rating":5}',
        '{"author_name":"Bo","rating":9}',
        '{"author_name":"Cy","text":"Fine","status":"approved"}',
        '{"author_name":"Di","rating":0,"text":"Meh"}',
      ].join('\n'),
    );
    const run = await showtrust(file, '--workspace', workspaceId, '--form', 'launch');

    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 5)).toEqual([
      'imported 2 rows, rejected 2 rows',
      'rejected rows by reason:',
      '  rating must be a whole number from 1 to 5: 2 rows (records 2, 4)',
      '  text is required: 1 row (record 2)',
      'note: imported rows send no testimonial.created events or webhooks: a back-fill is not news',
    ]);
    expect(run.stdout).toMatch(/\ntook \d+\.\d\d s\n$/);
    expect(await rowsOf(workspaceId)).toEqual([
      { author_name: 'Ana', status: 'pending', source: 'import', form_id: formId },
      { author_name: 'Cy', status: 'approved', source: 'import', form_id: formId },
    ]);
  });

  it('exits 2 naming every unknown column, and writes nothing', async () => {
    const workspaceId = await newWorkspace();
    const file = writeFile('extra.csv', 'author_name,text,votes,product\nAna,Great,3,x\n');
    const run = await showtrust(file, '--workspace', workspaceId);

    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('showtrust: unknown columns: "votes", "product". ');
    expect(run.stderr).toContain('\nnothing was imported\n');
    expect(await rowsOf(workspaceId)).toEqual([]);
  });

  it('exits 2 when the file cannot be read', async () => {
    const run = await showtrust('/no/such/file.csv');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('showtrust: cannot read /no/such/file.csv: no such file\n');
  });

  it.skipIf(!hasSample)('imports the real Amazon reviews sample with a column map', async () => {
    const run = await showtrust(
      SAMPLE,
      '--map',
      'body=text,reviewed_at=created_at',
      '--ignore',
      'review_id,product_id,author_ref,helpful_votes,total_votes',
      '--status',
      'approved',
    );

    // 7,567 records: three bodies are longer than the API's 5,000-character limit
    // (5,276, 5,184 and 5,160 characters); every other row meets the API's rules.
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      'imported 7564 rows, rejected 3 rows',
      'rejected rows by reason:',
      '  text is longer than 5,000 characters: 3 rows (records 540, 1321, 1498)',
    ]);
    const counts = await services.db.kysely
      .selectFrom('testimonials')
      .select(['status', 'source', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', defaultWorkspaceId)
      .groupBy(['status', 'source'])
      .execute();
    expect(counts).toEqual([{ status: 'approved', source: 'import', n: 7564 }]);
  });
});

describe('showtrust import options', () => {
  it('reads repeatable, comma-separated --map and --ignore', () => {
    const args = parseImportArgs([
      'reviews.CSV',
      '--map',
      'body=text, reviewed_at=created_at',
      '--map=stars=rating',
      '--ignore',
      'id,votes',
      '--ignore',
      'sku',
      '--status',
      'approved',
    ]);
    expect(args).toEqual({
      file: 'reviews.CSV',
      format: 'csv',
      map: { body: 'text', reviewed_at: 'created_at', stars: 'rating' },
      ignore: ['id', 'votes', 'sku'],
      status: 'approved',
      workspace: undefined,
      form: undefined,
    });
  });

  it('takes the format from .ndjson or --format', () => {
    expect(parseImportArgs(['a.ndjson'])?.format).toBe('jsonl');
    expect(parseImportArgs(['a.txt', '--format', 'jsonl'])?.format).toBe('jsonl');
  });

  it.each([
    [['x.csv', '--map', 'body'], '--map expects col=field (got "body")'],
    [['x.csv', '--map', 'a=text,a=title'], '--map names column "a" twice'],
    [['x.csv', '--status', 'archived'], '--status must be pending or approved (got "archived")'],
    [
      ['x.txt'],
      'cannot tell the format: use a .csv, .jsonl or .ndjson file, or --format csv|jsonl',
    ],
    [['a.csv', 'b.csv'], /^name one file to import\n/],
    [['x.csv', '--colour'], /^Unknown option '--colour'/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseImportArgs(argv)).toThrow(UsageError);
    expect(() => parseImportArgs(argv)).toThrow(message);
  });

  it('answers --help with usage that says imports send no events', () => {
    expect(parseImportArgs(['--help'])).toBeUndefined();
    expect(IMPORT_USAGE).toMatch(/^usage: showtrust import FILE \[options\]\n/);
    expect(IMPORT_USAGE).toContain('imported rows send no testimonial.created events');
  });
});
