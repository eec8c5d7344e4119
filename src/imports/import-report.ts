import type { ImportResult } from './import-testimonials.js';

/** How many record numbers each reason lists before "and N more". */
export const RECORDS_PER_REASON = 10;

export const NO_EVENTS_NOTE =
  'imported rows send no testimonial.created events or webhooks: a back-fill is not news';

const rows = (n: number) => `${n} ${n === 1 ? 'row' : 'rows'}`;

/** Groups rejected records by reason, the most frequent reason first. */
export function groupReasons(result: ImportResult): [reason: string, records: number[]][] {
  const byReason = new Map<string, number[]>();
  for (const { record, reasons } of result.rejected) {
    for (const reason of reasons) byReason.set(reason, [...(byReason.get(reason) ?? []), record]);
  }
  return [...byReason].sort((a, b) => b[1].length - a[1].length || a[1][0]! - b[1][0]!);
}

/**
 * The summary the CLI prints: the counts first, then each reason with the first few
 * record numbers (1 = the first data record, whatever lines it spans).
 */
export function formatImportReport(result: ImportResult): string {
  const lines = [`imported ${rows(result.imported)}, rejected ${rows(result.rejected.length)}`];
  const groups = groupReasons(result);
  if (groups.length > 0) lines.push('rejected rows by reason:');
  for (const [reason, records] of groups) {
    const shown = records.slice(0, RECORDS_PER_REASON).join(', ');
    const more =
      records.length > RECORDS_PER_REASON ? ` and ${records.length - RECORDS_PER_REASON} more` : '';
    const label = records.length === 1 ? 'record' : 'records';
    lines.push(`  ${reason}: ${rows(records.length)} (${label} ${shown}${more})`);
  }
  if (result.imported > 0) lines.push(`note: ${NO_EVENTS_NOTE}`);
  return `${lines.join('\n')}\n`;
}
