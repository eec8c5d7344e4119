import { describe, expect, it } from 'vitest';
import { formatRatio, formatTable } from './table.js';

describe('bench table', () => {
  it('reads a throughput as a share of its baseline and a duration as a multiple', () => {
    expect(formatRatio(750, 1000, true)).toBe('75 %');
    expect(formatRatio(0.6, 0.1, false)).toBe('6.0×');
    expect(formatRatio(5, 0, true)).toBe('n/a');
  });

  it('prints measured, unavailable and failed cases as Markdown rows', () => {
    const table = formatTable([
      {
        name: 'feed',
        outcome: {
          status: 'measured',
          subject: { value: 7512.4, unit: 'req/s', label: 'ShowTrust' },
          baseline: { value: 10000, unit: 'req/s', label: 'bare | route' },
          higherIsBetter: true,
          aim: { text: '≥ 70 %', met: true },
          note: '0 failed',
        },
      },
      { name: 'later', outcome: { status: 'unavailable', reason: 'the feed route answered 404' } },
      { name: 'broken', outcome: { status: 'failed', reason: 'boom' } },
    ]);
    expect(table.split('\n')).toEqual([
      '| case | ShowTrust | baseline | ratio | aim | notes |',
      '|---|---:|---|---:|---|---|',
      '| feed | 7,512 req/s | 10,000 req/s (bare \\| route) | 75 % | ≥ 70 %: met | 0 failed |',
      '| later | unavailable | | | | the feed route answered 404 |',
      '| broken | failed | | | | boom |',
      '',
    ]);
  });
});
