import { describe, expect, it } from 'vitest';
import { ELLIPSIS, excerpt } from './excerpt.js';
import { EMAIL_SUBJECT_MAX_GRAPHEMES } from '../automations/review-email.js';
import { SLACK_PREVIEW_MAX_GRAPHEMES } from './slack.js';

const graphemes = (s: string) => [...new Intl.Segmenter().segment(s)].map((g) => g.segment);
const WOMAN_TECHNOLOGIST = '👩🏽‍💻';
const FLAG = '🇧🇷';
const E_ACUTE = 'e\u0301';

/** Text where the given cluster occupies grapheme positions [at, at + 1). */
function placed(cluster: string, at: number): string {
  return `${'a'.repeat(at)}${cluster}${'b'.repeat(40)}`;
}

describe('excerpt (C22)', () => {
  it('keeps short text as it is, with whitespace folded', () => {
    expect(excerpt('  Great\n\nservice  ', 20)).toBe('Great service');
    expect(excerpt('abc', 3)).toBe('abc');
  });

  for (const [name, limit] of [
    ['Slack preview', SLACK_PREVIEW_MAX_GRAPHEMES],
    ['email subject', EMAIL_SUBJECT_MAX_GRAPHEMES],
    ['tiny', 5],
  ] as const) {
    it(`never cuts ${WOMAN_TECHNOLOGIST}, ${FLAG} or e + U+0301 at the ${name} length`, () => {
      for (const cluster of [WOMAN_TECHNOLOGIST, FLAG, E_ACUTE]) {
        // The cluster straddles the cut: it is the last grapheme that would fit before "…".
        for (const at of [limit - 2, limit - 1]) {
          const out = excerpt(placed(cluster, at), limit);
          const parts = graphemes(out);
          expect(parts.length).toBeLessThanOrEqual(limit);
          expect(parts.at(-1)).toBe(ELLIPSIS);
          expect(Buffer.from(out, 'utf8').toString('utf8')).toBe(out); // no lone surrogate
          const kept = out.slice(0, -ELLIPSIS.length);
          // Whatever is kept of the cluster is the whole cluster or nothing of it.
          expect(kept.endsWith(cluster) || !kept.includes(cluster.slice(0, 1))).toBe(true);
          expect(placed(cluster, at).startsWith(kept)).toBe(true);
        }
      }
    });
  }
});
