import { describe, expect, it } from 'vitest';
import { summarizeRatings } from './rating.js';

describe('summarizeRatings (C14)', () => {
  // [ratingSum, ratingCount] whose exact mean is the case's average.
  const cases: Array<[mean: string, sum: number, count: number, average: number, stars: number]> = [
    ['3.249', 3249, 1000, 3.24, 3],
    ['3.25', 13, 4, 3.25, 3.5],
    ['3.749', 3749, 1000, 3.74, 3.5],
    ['3.75', 15, 4, 3.75, 4],
    ['4.749', 4749, 1000, 4.74, 4.5],
    ['4.75', 19, 4, 4.75, 5],
    ['5', 35, 7, 5, 5],
    ['1', 3, 3, 1, 1],
    ['4.333…', 13, 3, 4.33, 4.5],
    ['4.666…', 14, 3, 4.66, 4.5],
    ['1.2', 6, 5, 1.2, 1],
  ];

  it.each(cases)(
    'a mean of %s (%i/%i) shows %s and %s stars',
    (_mean, sum, count, average, stars) => {
      expect(summarizeRatings(count, sum, count)).toEqual({
        count,
        rating_count: count,
        average,
        rating_rounded: stars,
      });
    },
  );

  it('keeps the shown average and the stars on the same side of every half-star threshold', () => {
    for (let count = 1; count <= 60; count++) {
      for (let sum = count; sum <= 5 * count; sum++) {
        const { average, rating_rounded } = summarizeRatings(count, sum, count);
        expect(rating_rounded).toBe(Math.floor(average! * 2 + 0.5 + 1e-9) / 2);
      }
    }
  });

  it('gives no average and no stars without a rating, never 0 or NaN', () => {
    expect(summarizeRatings(0, 0, 0)).toEqual({
      count: 0,
      rating_count: 0,
      average: null,
      rating_rounded: null,
    });
    expect(summarizeRatings(3, 0, 0)).toEqual({
      count: 3,
      rating_count: 0,
      average: null,
      rating_rounded: null,
    });
  });
});
