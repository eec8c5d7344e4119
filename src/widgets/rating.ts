import type { RatingSummary } from './schema.js';

/** Floor division of non-negative integers by remainder, so no float quotient is ever rounded. */
function divideDown(dividend: number, divisor: number): number {
  return (dividend - (dividend % divisor)) / divisor;
}

/**
 * The one rating rule of ShowTrust (feed, and later badge and JSON-LD), computed from the
 * integer sum and count of ratings so no float can misround:
 *
 * - `rating_rounded`: the exact mean snapped to the nearest half star, halves rounding up
 *   (3.249 → 3, 3.25 → 3.5, 3.749 → 3.5, 3.75 → 4, 4.749 → 4.5, 4.75 → 5).
 * - `average`: the exact mean cut (floored) to 2 decimals, never rounded up. Cutting keeps
 *   the shown number and the stars in agreement: the half-star thresholds are multiples of
 *   0.01, so the cut value crosses one exactly when the mean does (a mean of 3.249 shows
 *   3.24 and 3 stars, never 3.25 beside 3 stars).
 * - no rated testimonial: both null, so nothing can show 0 stars or NaN.
 */
export function summarizeRatings(
  count: number,
  ratingSum: number,
  ratingCount: number,
): RatingSummary {
  if (ratingCount === 0) return { count, rating_count: 0, average: null, rating_rounded: null };
  const hundredths = divideDown(ratingSum * 100, ratingCount);
  // round-half-up(2 × mean) = floor((4·sum + count) / (2·count))
  const halves = divideDown(4 * ratingSum + ratingCount, 2 * ratingCount);
  return {
    count,
    rating_count: ratingCount,
    average: hundredths / 100,
    rating_rounded: halves / 2,
  };
}
