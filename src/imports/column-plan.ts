import { IMPORT_FIELDS, isImportField, type ImportField } from './fields.js';
import { ImportSetupError } from './import-setup-error.js';

export interface ColumnOptions {
  /** Source column → field, for files whose headers use other names (`body` → `text`). */
  map?: Record<string, string>;
  /** Columns the file has that the import should skip. */
  ignore?: string[];
}

/** Which field each used column fills; columns absent from the plan are skipped. */
export type ColumnPlan = Map<string, ImportField>;

const names = (list: string[]) => list.map((name) => JSON.stringify(name)).join(', ');

/**
 * Decides, before any row is read, where every column goes. Anything the plan cannot
 * place is an error naming all such columns at once, so one run shows every fix needed.
 */
export function planColumns(columns: string[], options: ColumnOptions = {}): ColumnPlan {
  const map = new Map(Object.entries(options.map ?? {}));
  const ignore = new Set(options.ignore ?? []);
  checkMap(columns, map, ignore);

  const plan: ColumnPlan = new Map();
  const unknown: string[] = [];
  for (const column of columns) {
    if (ignore.has(column)) continue;
    const field = map.get(column) ?? column;
    if (isImportField(field)) plan.set(column, field);
    else unknown.push(column);
  }
  if (unknown.length > 0) {
    throw new ImportSetupError(
      `unknown column${unknown.length > 1 ? 's' : ''}: ${names(unknown)}. ` +
        'Map each to a field with --map column=field or skip it with --ignore column. ' +
        `Fields: ${IMPORT_FIELDS.join(', ')}`,
    );
  }

  const sources = new Map<ImportField, string[]>();
  for (const [column, field] of plan) sources.set(field, [...(sources.get(field) ?? []), column]);
  for (const [field, from] of sources) {
    if (from.length > 1) {
      throw new ImportSetupError(
        `field ${field} would be filled by more than one column: ${names(from)}`,
      );
    }
  }
  return plan;
}

function checkMap(columns: string[], map: Map<string, string>, ignore: Set<string>): void {
  const badTargets = [...map].filter(([, field]) => !isImportField(field));
  if (badTargets.length > 0) {
    const list = badTargets.map(([column, field]) => `${column}=${field}`).join(', ');
    throw new ImportSetupError(`--map ${list}: not a field. Fields: ${IMPORT_FIELDS.join(', ')}`);
  }
  const missing = [...map.keys()].filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new ImportSetupError(`--map names columns the file does not have: ${names(missing)}`);
  }
  const both = [...map.keys()].filter((column) => ignore.has(column));
  if (both.length > 0) {
    throw new ImportSetupError(`columns both mapped and ignored: ${names(both)}`);
  }
}
