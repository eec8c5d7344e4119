/*
 * Cutting and formatting customer text for display, the same in the browser and on the
 * server. Cuts fall between grapheme clusters (UAX #29 through Intl.Segmenter), so an
 * emoji with skin tone and ZWJ, a flag or an accent written as a combining mark is kept
 * whole (C22).
 */

export const ELLIPSIS = '…';

let segmenter: Intl.Segmenter | null | undefined;

function graphemes(): Intl.Segmenter | null {
  if (segmenter === undefined) {
    segmenter =
      typeof Intl.Segmenter === 'function'
        ? new Intl.Segmenter(undefined, { granularity: 'grapheme' })
        : null;
  }
  return segmenter;
}

export interface Excerpt {
  text: string;
  /** Whether anything was left out (and the text ends with an ellipsis). */
  cut: boolean;
}

/**
 * At most `max` grapheme clusters, the ellipsis counted as one. Without Intl.Segmenter
 * (engines before 2021–2024) the text stays whole: a too-long card beats a broken glyph.
 */
export function excerpt(text: string, max: number): Excerpt {
  // A cluster is at least one UTF-16 unit: a string this short cannot have more.
  if (text.length <= max) return { text, cut: false };
  const splitter = graphemes();
  if (!splitter) return { text, cut: false };

  let count = 0;
  let keepEnd = 0;
  for (const { index } of splitter.segment(text)) {
    if (count === max - 1) keepEnd = index;
    count += 1;
    if (count > max) break;
  }
  if (count <= max) return { text, cut: false };
  return { text: text.slice(0, keepEnd).trimEnd() + ELLIPSIS, cut: true };
}

function excerptHead(splitter: Intl.Segmenter, word: string): string {
  for (const { segment } of splitter.segment(word)) return segment;
  return '';
}

/** Up to two letters for an avatar without a photo: the first cluster of the first and last word. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = (word: string | undefined) => {
    if (!word) return '';
    const splitter = graphemes();
    const head = splitter ? excerptHead(splitter, word) : (Array.from(word)[0] ?? '');
    return head.toLocaleUpperCase();
  };
  return words.length > 1 ? first(words[0]) + first(words[words.length - 1]) : first(words[0]);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * The one date rule of every widget: the UTC calendar day of the timestamp, in the
 * labels' language. A date-only import (stored as midnight UTC) therefore reads as the
 * same day from Los Angeles to Auckland, and a timestamp as its UTC date (C20).
 */
export function formatDate(iso: string, language: string): string | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  let format = dateFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
    dateFormats.set(language, format);
  }
  return format.format(date);
}

/** A number as the labels' language writes it (4.75, 4,75, ٤٫٧٥ …). */
export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(value);
}
