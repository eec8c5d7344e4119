import type { CaseOutcome, Figure } from './bench-case.js';

export interface CaseRow {
  name: string;
  outcome: CaseOutcome | { status: 'failed'; reason: string };
}

function formatFigure(figure: Figure): string {
  const digits = figure.unit === 's' ? (figure.value < 10 ? 3 : 1) : 0;
  const value = figure.value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  return `${value} ${figure.unit}`;
}

/** Throughput as a share of the baseline's; a duration as a multiple of the baseline's. */
export function formatRatio(subject: number, baseline: number, higherIsBetter: boolean): string {
  if (!(baseline > 0) || !Number.isFinite(subject)) return 'n/a';
  const ratio = subject / baseline;
  return higherIsBetter ? `${Math.round(ratio * 100)} %` : `${ratio.toFixed(1)}×`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** A Markdown table, ready to paste into the README. */
export function formatTable(rows: CaseRow[]): string {
  const lines = [
    '| case | ShowTrust | baseline | ratio | aim | notes |',
    '|---|---:|---|---:|---|---|',
  ];
  for (const { name, outcome } of rows) {
    if (outcome.status !== 'measured') {
      lines.push(`| ${cell(name)} | ${outcome.status} | | | | ${cell(outcome.reason)} |`);
      continue;
    }
    const { subject, baseline, higherIsBetter, aim, note } = outcome;
    const aimText = aim ? `${aim.text}: ${aim.met ? 'met' : 'missed'}` : '';
    lines.push(
      [
        '',
        cell(name),
        formatFigure(subject),
        `${formatFigure(baseline)} (${cell(baseline.label)})`,
        formatRatio(subject.value, baseline.value, higherIsBetter),
        aimText,
        cell(note ?? ''),
        '',
      ]
        .join(' | ')
        .trim(),
    );
  }
  return `${lines.join('\n')}\n`;
}
