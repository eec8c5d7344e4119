import { describe, expect, it } from 'vitest';
import { directionOf, LABELS, resolveLanguage } from './labels.js';
import { h } from './node.js';
import { excerpt, formatDate, initials } from './text.js';
import { escapeHtml, toHtml } from './to-html.js';
import { safeImageUrl } from './urls.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const clusters = (text: string) => Array.from(segmenter.segment(text), (s) => s.segment);

describe('excerpt (C22)', () => {
  const WOMAN_TECHNOLOGIST = '👩🏽‍💻'; // 7 code units, one cluster
  const FLAG = '🇧🇷'; // two regional indicators, one cluster
  const E_ACUTE = 'e\u0301'; // e + combining acute accent, one cluster
  const text = `Ab ${WOMAN_TECHNOLOGIST}${FLAG}${E_ACUTE} end of the line`;

  it.each([4, 5, 6, 7])('cuts between clusters and marks the cut, at %i clusters', (max) => {
    const cut = excerpt(text, max);
    expect(cut.cut).toBe(true);
    expect(cut.text.endsWith('…')).toBe(true);
    const kept = clusters(cut.text.slice(0, -1));
    expect(kept.length).toBeLessThanOrEqual(max - 1);
    // Every kept cluster is one of the original's, whole.
    expect(clusters(text).slice(0, kept.length)).toEqual(kept);
    // No lone surrogate anywhere: the text is well-formed UTF-16.
    expect(cut.text).not.toMatch(
      /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
    );
  });

  it('keeps the emoji, flag and accent whole at the cuts that would split them', () => {
    expect(excerpt(text, 5).text).toBe(`Ab ${WOMAN_TECHNOLOGIST}…`);
    expect(excerpt(text, 6).text).toBe(`Ab ${WOMAN_TECHNOLOGIST}${FLAG}…`);
    expect(excerpt(text, 7).text).toBe(`Ab ${WOMAN_TECHNOLOGIST}${FLAG}${E_ACUTE}…`);
  });

  it('leaves text that fits alone, counting clusters rather than code units', () => {
    const short = `${WOMAN_TECHNOLOGIST}${FLAG}${E_ACUTE}`; // 3 clusters, 12 code units
    expect(excerpt(short, 3)).toEqual({ text: short, cut: false });
    expect(excerpt('exactly ten', 11)).toEqual({ text: 'exactly ten', cut: false });
    expect(excerpt('trailing  space here', 10).text).toBe('trailing…');
  });
});

describe('labels', () => {
  it('has every label in every language, and Arabic reads right to left', () => {
    const keys = Object.keys(LABELS.en).sort();
    for (const language of ['de', 'fr', 'es', 'ar'] as const) {
      expect(Object.keys(LABELS[language]).sort()).toEqual(keys);
    }
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('de')).toBe('ltr');
  });

  it('follows the host page for auto, by primary subtag, else English', () => {
    expect(resolveLanguage('auto', 'de-AT')).toBe('de');
    expect(resolveLanguage('auto', 'AR')).toBe('ar');
    expect(resolveLanguage('auto', 'he')).toBe('en');
    expect(resolveLanguage('auto', 'constructor')).toBe('en');
    expect(resolveLanguage('auto', undefined)).toBe('en');
    expect(resolveLanguage('fr', 'de')).toBe('fr');
  });
});

describe('formatDate (C20)', () => {
  it('shows the UTC calendar day whatever the process time zone', () => {
    expect(formatDate('2024-03-01T00:00:00.000Z', 'en')).toBe('Mar 1, 2024');
    // 2024-03-01T23:30:00-08:00 is stored as this instant: its UTC day is 2 March.
    expect(formatDate('2024-03-02T07:30:00.000Z', 'en')).toBe('Mar 2, 2024');
    expect(formatDate('2024-03-01T00:00:00.000Z', 'de')).toBe('1. März 2024');
    expect(formatDate('not a date', 'en')).toBeNull();
  });
});

describe('initials', () => {
  it('takes whole clusters of the first and last word', () => {
    expect(initials('Ada Lovelace')).toBe('AL');
    expect(initials('  zoë  ångström-nakamura ')).toBe('ZÅ');
    expect(initials('👩🏽‍💻 Dev')).toBe('👩🏽‍💻D');
    expect(initials('Cher')).toBe('C');
  });
});

describe('safeImageUrl', () => {
  const own = 'http://127.0.0.1:3000';
  it.each([
    ['https://cdn.example/a.png', 'https://cdn.example/a.png'],
    ['http://127.0.0.1:3000/media/a.png', 'http://127.0.0.1:3000/media/a.png'],
    ['http://cdn.example/a.png', null],
    ['javascript:alert(1)', null],
    ['data:image/png;base64,AAAA', null],
    ['blob:https://x.example/1', null],
    ['//cdn.example/a.png', null],
    ['/media/a.png', null],
    ['https://user:pass@cdn.example/a.png', null],
    ['', null],
  ])('%s → %s', (input, expected) => {
    expect(safeImageUrl(input, own)).toBe(expected);
  });
});

describe('toHtml', () => {
  it('escapes text and attribute values, writes boolean attributes bare', () => {
    const node = h('p', { title: '"><x>', hidden: true, skip: false }, '<b>&</b>', "it's");
    expect(toHtml(node)).toBe(
      '<p title="&#34;&#62;&#60;x&#62;" hidden>&#60;b&#62;&#38;&#60;/b&#62;it&#39;s</p>',
    );
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('refuses an attribute name that is not a plain name', () => {
    expect(() => toHtml(h('p', { 'x" onclick="y': 'z' }))).toThrow('unsafe attribute name');
  });
});
