import fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { importTestimonials, type ImportResult } from '../../imports/import-testimonials.js';
import { parseConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { createServices } from '../../platform/services.js';
import { bootstrapWorkspace } from '../../workspaces/bootstrap.js';
import type { BenchCase, CaseOutcome } from '../bench-case.js';
import { makeTempDir } from '../instances.js';

/** From src/bench/cases or dist/bench/cases alike: the repository's sibling `shared` folder. */
export const SAMPLE_PATH = fileURLToPath(
  new URL('../../../../shared/data/amazon-fine-food-reviews-sample.csv', import.meta.url),
);
const IMPORT_AIM_SECONDS = 5;
const REPEATS = 3;

/** The column map the README gives for this file. */
const SAMPLE_OPTIONS = {
  format: 'csv' as const,
  map: { body: 'text', reviewed_at: 'created_at' },
  ignore: ['review_id', 'product_id', 'author_ref', 'helpful_votes', 'total_votes'],
  defaultStatus: 'approved' as const,
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

async function timeSeconds<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const startMs = performance.now();
  const result = await fn();
  return [(performance.now() - startMs) / 1000, result];
}

/** Reading, checking and storing the whole file into a fresh SQLite workspace. */
async function importOnce(): Promise<[number, ImportResult]> {
  const temp = makeTempDir('import');
  const services = await createServices(parseConfig({ SHOWTRUST_DATA_DIR: temp.dir }), {
    log: createLogger('warn', process.stderr),
  });
  try {
    const { workspaceId } = await bootstrapWorkspace(services);
    return await timeSeconds(async () => {
      const content = await readFile(SAMPLE_PATH);
      return importTestimonials(services, content, { ...SAMPLE_OPTIONS, workspaceId });
    });
  } finally {
    await services.db.close();
    temp.remove();
  }
}

/** The floor: csv-parse alone reading the same file with the same options. */
async function parseOnce(): Promise<number> {
  const [seconds] = await timeSeconds(async () => {
    const content = await readFile(SAMPLE_PATH);
    return parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true });
  });
  return seconds;
}

export const importSampleCase: BenchCase = {
  name: 'import: Amazon Fine Food sample, 7,567 rows (SQLite)',
  async run(): Promise<CaseOutcome> {
    if (!fs.existsSync(SAMPLE_PATH)) {
      return { status: 'unavailable', reason: `${SAMPLE_PATH} is absent` };
    }
    const imports: [number, ImportResult][] = [];
    const parses: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      parses.push(await parseOnce());
      imports.push(await importOnce());
    }

    const seconds = median(imports.map(([s]) => s));
    const [, result] = imports[0]!;
    return {
      status: 'measured',
      subject: { value: seconds, unit: 's', label: 'ShowTrust' },
      baseline: { value: median(parses), unit: 's', label: 'csv-parse alone' },
      higherIsBetter: false,
      aim: { text: `< ${IMPORT_AIM_SECONDS} s`, met: seconds < IMPORT_AIM_SECONDS },
      note: `median of ${REPEATS}; ${result.imported} imported, ${result.rejected.length} rejected`,
    };
  },
};
