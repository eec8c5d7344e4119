const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** The ellipsis an excerpt ends with when it was shortened. */
export const ELLIPSIS = '…';

/**
 * At most maxGraphemes user-perceived characters of text, cut between grapheme clusters
 * (an emoji with skin tone and joiners, a flag, `e` + combining accent stay whole). A
 * shortened text ends with `…`, which counts toward the limit.
 */
export function excerpt(text: string, maxGraphemes: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const kept: string[] = [];
  let count = 0;
  for (const { segment } of graphemes.segment(clean)) {
    count += 1;
    if (count > maxGraphemes) {
      kept.length = Math.max(0, maxGraphemes - 1);
      return `${kept.join('').trimEnd()}${ELLIPSIS}`;
    }
    kept.push(segment);
  }
  return clean;
}
