import { CsvError, parse } from 'csv-parse/sync';
import type { ImportFormat } from './fields.js';
import { ImportSetupError } from './import-setup-error.js';

/**
 * One data record of the file. `number` counts records, not physical lines: 1 is the
 * first record after the CSV header (or the first non-blank JSON line), however many
 * line breaks quoted fields before it held.
 */
export type SourceRecord =
  { number: number; values: Record<string, unknown> } | { number: number; error: string };

export interface SourceFile {
  /** CSV header names, or every key any JSON line used, in order of first appearance. */
  columns: string[];
  records: SourceRecord[];
}

const CSV_PROBLEMS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted field has text after its closing quote',
  CSV_QUOTE_NOT_CLOSED: 'a quoted field is never closed',
  INVALID_OPENING_QUOTE: 'a quote starts inside an unquoted field',
};

export function readRecords(content: string | Buffer, format: ImportFormat): SourceFile {
  return format === 'csv' ? readCsv(content) : readJsonLines(content);
}

function readCsv(content: string | Buffer): SourceFile {
  let rows: string[][];
  try {
    // RFC 4180: quoted fields may hold commas, doubled quotes and CR/LF line breaks.
    rows = parse(content, { bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // csv-parse counts the header as a record, so its count is the failing data record.
    const problem = CSV_PROBLEMS[error.code] ?? error.code;
    const at = typeof error.records === 'number' ? error.records : '?';
    throw new ImportSetupError(`the file is not valid CSV at record ${at}: ${problem}`, {
      cause: error,
    });
  }

  const [header, ...data] = rows;
  if (!header) throw new ImportSetupError('the file is empty: it has no header row');
  const columns = header.map((name) => name.trim());
  const duplicate = columns.find((name, i) => columns.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ImportSetupError(`the header names column "${duplicate}" more than once`);
  }

  const records = data.map((fields, i): SourceRecord => {
    const number = i + 1;
    if (fields.length !== columns.length) {
      return {
        number,
        error: `has ${fields.length} fields but the header has ${columns.length}`,
      };
    }
    return { number, values: Object.fromEntries(columns.map((name, j) => [name, fields[j]])) };
  });
  return { columns, records };
}

function readJsonLines(content: string | Buffer): SourceFile {
  const text = String(content).replace(/^\uFEFF/, '');
  const columns = new Set<string>();
  const records: SourceRecord[] = [];

  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const number = records.length + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      records.push({ number, error: 'is not valid JSON' });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      records.push({ number, error: 'is not a JSON object' });
      continue;
    }
    for (const key of Object.keys(value)) columns.add(key);
    records.push({ number, values: value as Record<string, unknown> });
  }
  return { columns: [...columns], records };
}
