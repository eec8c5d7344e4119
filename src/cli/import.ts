import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_STATUSES, type DefaultStatus, type ImportFormat } from '../imports/fields.js';
import { formatImportReport, NO_EVENTS_NOTE } from '../imports/import-report.js';
import { ImportSetupError } from '../imports/import-setup-error.js';
import {
  insertPrepared,
  prepareImport,
  type PreparedImport,
} from '../imports/import-testimonials.js';
import { parseConfig } from '../platform/config.js';
import type { Services } from '../platform/context.js';
import { createLogger } from '../platform/logger.js';
import { createServices } from '../platform/services.js';
import { firstWorkspaceId } from '../workspaces/store.js';
import { UsageError } from './usage-error.js';

export const IMPORT_USAGE = `usage: showtrust import FILE [options]

Imports testimonials from CSV (header row, RFC 4180 quoting, UTF-8 with or without BOM)
or JSON Lines (one object per line). Columns/keys: author_name, author_title,
author_company, author_email, rating, text, title, created_at, tags, status,
consent_given (yes/no, true/false or 1/0; without the column every row has the
author's consent, as when created through the API, and approved rows are shown).

  --map col=field[,col=field]  read column col as field (repeatable)
  --ignore col[,col]           skip these columns (repeatable)
  --status approved|pending    status of rows without one (default pending)
  --workspace ID               target workspace (default: the first one)
  --form SLUG                  attach the rows to this form
  --format csv|jsonl           override the format the file extension implies

Rows that break the API's rules are rejected with their record number (1 = the first
data record) and the reason; the others are imported. Any unknown column stops the
import before a row is written. Note: ${NO_EVENTS_NOTE}.
Exit code 0 when the import ran (even with rejected rows), 2 for usage errors.
`;

const EXTENSIONS: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

interface ImportArgs {
  file: string;
  format: ImportFormat;
  map: Record<string, string>;
  ignore: string[];
  status: DefaultStatus;
  workspace: string | undefined;
  form: string | undefined;
}

/** `showtrust import FILE`: checks the whole file first, then writes it in batches. */
export async function importCommand(argv: string[]): Promise<void> {
  const args = parseImportArgs(argv);
  if (!args) {
    process.stdout.write(IMPORT_USAGE);
    return;
  }

  const startedMs = performance.now();
  const prepared = prepareFile(args, await readSource(args.file));
  const config = parseConfig();
  const services = await createServices(config, {
    log: createLogger(config.logLevel, process.stderr),
  });
  try {
    const target = await resolveTarget(services, args);
    const imported = await insertPrepared(services, prepared, target);
    process.stdout.write(formatImportReport({ imported, rejected: prepared.rejected }));
    const seconds = (performance.now() - startedMs) / 1000;
    process.stdout.write(`took ${seconds.toFixed(2)} s\n`);
  } finally {
    await services.db.close();
  }
}

/** The parsed options, or undefined when help was asked for. */
export function parseImportArgs(argv: string[]): ImportArgs | undefined {
  const { values, positionals } = parseOrExplain(argv);
  if (values.help) return undefined;
  if (positionals.length !== 1) throw new UsageError(`name one file to import\n\n${IMPORT_USAGE}`);
  const file = positionals[0]!;

  const format = values.format ?? EXTENSIONS[path.extname(file).toLowerCase()];
  if (format !== 'csv' && format !== 'jsonl') {
    throw new UsageError(
      'cannot tell the format: use a .csv, .jsonl or .ndjson file, or --format csv|jsonl',
    );
  }
  const status = values.status ?? 'pending';
  if (!(DEFAULT_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status must be ${DEFAULT_STATUSES.join(' or ')} (got "${status}")`);
  }
  return {
    file,
    format,
    map: parseMap(values.map ?? []),
    ignore: splitList(values.ignore ?? []),
    status: status as DefaultStatus,
    workspace: values.workspace,
    form: values.form,
  };
}

function parseOrExplain(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        map: { type: 'string', multiple: true },
        ignore: { type: 'string', multiple: true },
        status: { type: 'string' },
        workspace: { type: 'string' },
        form: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // node:util reports unknown or valueless options as a TypeError with a readable message.
    throw new UsageError(`${(error as Error).message}\n\n${IMPORT_USAGE}`);
  }
}

const splitList = (specs: string[]) =>
  specs
    .flatMap((spec) => spec.split(','))
    .map((item) => item.trim())
    .filter(Boolean);

function parseMap(specs: string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of splitList(specs)) {
    const at = pair.lastIndexOf('=');
    const column = pair.slice(0, at).trim();
    const field = pair.slice(at + 1).trim();
    if (at < 0 || !column || !field)
      throw new UsageError(`--map expects col=field (got "${pair}")`);
    if (column in map) throw new UsageError(`--map names column "${column}" twice`);
    map[column] = field;
  }
  return map;
}

async function readSource(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code}`);
  }
}

function prepareFile(args: ImportArgs, content: Buffer): PreparedImport {
  try {
    return prepareImport(content, { ...args, defaultStatus: args.status });
  } catch (error) {
    if (error instanceof ImportSetupError) {
      throw new UsageError(`${error.message}\nnothing was imported`);
    }
    throw error;
  }
}

async function resolveTarget(services: Services, args: ImportArgs) {
  const { kysely } = services.db;
  const workspaceId = args.workspace ?? (await firstWorkspaceId(kysely));
  if (!workspaceId) {
    throw new UsageError('no workspace yet: run `showtrust serve` once first, or pass --workspace');
  }
  const workspace = await kysely
    .selectFrom('workspaces')
    .select('id')
    .where('id', '=', workspaceId)
    .executeTakeFirst();
  if (!workspace) throw new UsageError(`no workspace with id ${workspaceId}`);
  if (args.form === undefined) return { workspaceId, formId: null };

  const form = await kysely
    .selectFrom('forms')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('slug', '=', args.form)
    .executeTakeFirst();
  if (!form) throw new UsageError(`no form with slug "${args.form}" in workspace ${workspaceId}`);
  return { workspaceId, formId: form.id };
}
