import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  formatLocal,
  isTimeZone,
  localDateAt,
  parseWallTime,
  zonedToUtcMs,
} from './zoned-time.js';

const NY = 'America/New_York';
const iso = (ms: number) => new Date(ms).toISOString();
const wall = (text: string) => parseWallTime(text)!;

describe('zoned time (C24)', () => {
  it('maps ordinary local times with the offset of the day', () => {
    expect(iso(zonedToUtcMs(wall('2026-01-15T09:00'), NY))).toBe('2026-01-15T14:00:00.000Z');
    expect(iso(zonedToUtcMs(wall('2026-07-01T09:00'), NY))).toBe('2026-07-01T13:00:00.000Z');
  });

  it('moves a skipped local time to the next valid minute', () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    expect(iso(zonedToUtcMs(wall('2026-03-08T02:30'), NY))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(zonedToUtcMs(wall('2026-03-08T02:00'), NY))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(zonedToUtcMs(wall('2026-03-08T01:59'), NY))).toBe('2026-03-08T06:59:00.000Z');
    expect(formatLocal(zonedToUtcMs(wall('2026-03-08T02:30'), NY), NY)).toBe(
      '2026-03-08T03:00:00-04:00',
    );
  });

  it('takes the first of a repeated local time', () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
    expect(iso(zonedToUtcMs(wall('2026-11-01T01:30'), NY))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(zonedToUtcMs(wall('2026-11-01T02:30'), NY))).toBe('2026-11-01T07:30:00.000Z');
  });

  it('adds calendar days at the same wall time across both changes', () => {
    const before = zonedToUtcMs(wall('2026-03-06T02:30'), NY);
    expect(formatLocal(addLocalDays(before, 3, NY), NY)).toBe('2026-03-09T02:30:00-04:00');
    const autumn = zonedToUtcMs(wall('2026-10-30T09:15'), NY);
    expect(formatLocal(addLocalDays(autumn, 3, NY), NY)).toBe('2026-11-02T09:15:00-05:00');
    // Three days after 2026-03-05 02:30 lands on the skipped hour itself.
    const into = zonedToUtcMs(wall('2026-03-05T02:30'), NY);
    expect(formatLocal(addLocalDays(into, 3, NY), NY)).toBe('2026-03-08T03:00:00-04:00');
  });

  it('finds "tomorrow at 02:30" from a local date', () => {
    const noon = Date.parse('2026-03-07T17:00:00Z'); // 12:00 EST
    expect(iso(localDateAt(noon, 1, '02:30', NY))).toBe('2026-03-08T07:00:00.000Z');
    // 23:30 EST on 03-07 is already 03-08 in UTC; "tomorrow" is the local tomorrow.
    expect(iso(localDateAt(Date.parse('2026-03-08T04:30:00Z'), 1, '02:30', NY))).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('validates zones and local times', () => {
    expect(isTimeZone(NY)).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(parseWallTime('2026-02-30T10:00')).toBeUndefined();
    expect(parseWallTime('2026-02-03T24:00')).toBeUndefined();
    expect(parseWallTime('2026-02-03 10:00')).toBeUndefined();
  });
});
