/**
 * Wall-clock times in a workspace's time zone, and the UTC instants they stand for. A
 * local time that does not exist (the hour skipped when clocks go forward) moves to the
 * next valid minute; one that exists twice (the hour repeated when they go back) is the
 * first of the two, so a schedule fires exactly once.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
/** Longest clock jump anywhere (a day, when Samoa crossed the date line). */
const MAX_GAP_MINUTES = 24 * 60;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export function isTimeZone(value: string): boolean {
  try {
    formatter(value);
    return true;
  } catch {
    return false;
  }
}

/** The wall time at an instant (seconds dropped). */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(ms)
      .map((p) => [p.type, Number(p.value)]),
  );
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
  };
}

function asUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** Minutes the zone is ahead of UTC at an instant. */
export function offsetMinutesAt(ms: number, timeZone: string): number {
  const floored = Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  return (asUtcMs(wallTimeAt(floored, timeZone)) - floored) / MINUTE_MS;
}

/** The instants showing exactly this wall time, earliest first (none, one or two). */
function instantsOf(wall: WallTime, timeZone: string): number[] {
  const naive = asUtcMs(wall);
  const offsets = new Set([
    offsetMinutesAt(naive - MAX_GAP_MINUTES * MINUTE_MS, timeZone),
    offsetMinutesAt(naive, timeZone),
    offsetMinutesAt(naive + MAX_GAP_MINUTES * MINUTE_MS, timeZone),
  ]);
  const found = [...offsets]
    .map((offset) => naive - offset * MINUTE_MS)
    .filter((ms) => asUtcMs(wallTimeAt(ms, timeZone)) === naive);
  return [...new Set(found)].sort((a, b) => a - b);
}

/** The UTC instant of a wall time, by the skipped-hour and repeated-hour rules above. */
export function zonedToUtcMs(wall: WallTime, timeZone: string): number {
  const start = asUtcMs(wall);
  for (let step = 0; step <= MAX_GAP_MINUTES; step++) {
    const minute = new Date(start + step * MINUTE_MS);
    const candidate: WallTime = {
      year: minute.getUTCFullYear(),
      month: minute.getUTCMonth() + 1,
      day: minute.getUTCDate(),
      hour: minute.getUTCHours(),
      minute: minute.getUTCMinutes(),
    };
    const instants = instantsOf(candidate, timeZone);
    if (instants.length > 0) return instants[0]!;
  }
  throw new Error(`no valid local time near ${new Date(start).toISOString()} in ${timeZone}`);
}

/** The same wall-clock time `days` calendar days later ("three days later at 02:30"). */
export function addLocalDays(ms: number, days: number, timeZone: string): number {
  const wall = wallTimeAt(ms, timeZone);
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return zonedToUtcMs(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: wall.hour,
      minute: wall.minute,
    },
    timeZone,
  );
}

/** `days` calendar days after the local date of `ms`, at `HH:MM` local time. */
export function localDateAt(ms: number, days: number, hhmm: string, timeZone: string): number {
  const wall = wallTimeAt(ms, timeZone);
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  const date = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return zonedToUtcMs(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour,
      minute,
    },
    timeZone,
  );
}

const LOCAL_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** Parses `YYYY-MM-DDTHH:MM` (no offset: a wall time in the workspace's zone). */
export function parseWallTime(text: string): WallTime | undefined {
  const match = LOCAL_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute] = match.slice(1).map(Number) as number[];
  const wall = { year: year!, month: month!, day: day!, hour: hour!, minute: minute! };
  const check = new Date(asUtcMs(wall));
  const valid =
    check.getUTCMonth() + 1 === wall.month && check.getUTCDate() === wall.day && wall.hour < 24;
  return valid ? wall : undefined;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An instant as local ISO 8601 with its offset, e.g. `2026-03-08T03:00:00-04:00`. */
export function formatLocal(ms: number, timeZone: string): string {
  const wall = wallTimeAt(ms, timeZone);
  const offset = offsetMinutesAt(ms, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}:00` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}
