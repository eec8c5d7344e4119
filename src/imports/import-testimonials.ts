import type { Services } from '../platform/context.js';
import { isoNow } from '../platform/time.js';
import type { CreateTestimonialInput } from '../testimonials/schema.js';
import { buildTestimonialRow } from '../testimonials/service.js';
import { insertTestimonials, type TestimonialRow } from '../testimonials/store.js';
import { bumpContentVersion } from '../workspaces/store.js';
import { planColumns, type ColumnOptions } from './column-plan.js';
import type { DefaultStatus, ImportFormat } from './fields.js';
import { readRecords } from './read-records.js';
import { checkRow } from './validate-row.js';

/** Rows per transaction: few commits (each one a sync on SQLite) and bounded statements. */
export const IMPORT_BATCH_ROWS = 500;

export interface PrepareOptions extends ColumnOptions {
  format: ImportFormat;
  /** Status of rows that carry none. */
  defaultStatus?: DefaultStatus;
}

export interface RejectedRecord {
  record: number;
  reasons: string[];
}

export interface PreparedImport {
  accepted: { record: number; input: CreateTestimonialInput }[];
  rejected: RejectedRecord[];
}

export interface InsertOptions {
  workspaceId: string;
  formId?: string | null;
  batchRows?: number;
}

export interface ImportResult {
  imported: number;
  rejected: RejectedRecord[];
}

/**
 * Reads and checks the whole file without touching storage. Column problems throw an
 * ImportSetupError before any row is looked at; row problems reject only that row.
 */
export function prepareImport(content: string | Buffer, options: PrepareOptions): PreparedImport {
  const file = readRecords(content, options.format);
  const plan = planColumns(file.columns, options);
  const prepared: PreparedImport = { accepted: [], rejected: [] };

  for (const record of file.records) {
    if ('error' in record) {
      prepared.rejected.push({ record: record.number, reasons: [`the record ${record.error}`] });
      continue;
    }
    const check = checkRow(record.values, plan, options.defaultStatus ?? 'pending');
    if (check.ok) prepared.accepted.push({ record: record.number, input: check.input });
    else prepared.rejected.push({ record: record.number, reasons: check.reasons });
  }
  return prepared;
}

/**
 * Writes accepted rows in batched transactions, each bumping the feed's content version.
 * No `testimonial.created` events are recorded: a back-fill of old reviews is not news,
 * and thousands of webhooks for it would flood every subscriber.
 */
export async function insertPrepared(
  services: Services,
  prepared: PreparedImport,
  options: InsertOptions,
): Promise<number> {
  const batchRows = options.batchRows ?? IMPORT_BATCH_ROWS;
  const now = isoNow(services.clock);
  const { accepted } = prepared;

  for (let start = 0; start < accepted.length; start += batchRows) {
    const rows: TestimonialRow[] = [];
    const tags = new Map<string, string[]>();
    for (const { input } of accepted.slice(start, start + batchRows)) {
      const row = buildTestimonialRow(
        options.workspaceId,
        { ...input, form_id: options.formId ?? null },
        'import',
        now,
      );
      rows.push(row);
      if (input.tags) tags.set(row.id, input.tags);
    }
    await services.transaction(async (trx) => {
      await insertTestimonials(trx, rows, tags);
      await bumpContentVersion(trx, options.workspaceId);
    });
  }
  return accepted.length;
}

export async function importTestimonials(
  services: Services,
  content: string | Buffer,
  options: PrepareOptions & InsertOptions,
): Promise<ImportResult> {
  const prepared = prepareImport(content, options);
  const imported = await insertPrepared(services, prepared, options);
  return { imported, rejected: prepared.rejected };
}
