import { ConfigError } from '../shared/errors.js';

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** `cron(min hour dom month dow year)` as its six fields, or undefined for `rate(...)` and malformed ones. */
function fieldsOf(expression: string): string[] | undefined {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  const fields = m?.[1]?.trim().split(/\s+/);
  return fields?.length === 6 ? fields : undefined;
}

function dayIndex(token: string): number | undefined {
  const named = DAYS.indexOf(token.toUpperCase() as (typeof DAYS)[number]);
  if (named >= 0) return named;
  // EventBridge numbers days 1 (SUN) to 7 (SAT).
  return /^[1-7]$/.test(token) ? Number(token) - 1 : undefined;
}

/** The days of week a day-of-week field names (`SUN`, `1`, `MON-FRI`, `SAT,SUN`); undefined for `#`, `L`, `*`. */
function daysOf(field: string): Set<number> | undefined {
  const days = new Set<number>();
  for (const part of field.split(',')) {
    const [from, to, ...rest] = part.split('-');
    const start = from === undefined ? undefined : dayIndex(from);
    const end = to === undefined ? start : dayIndex(to);
    if (start === undefined || end === undefined || rest.length > 0) return undefined;
    for (let d = start; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === end) break;
    }
  }
  return days;
}

/**
 * The incremental schedule with the full run's days left out: on those days the full run replaces the
 * incremental (it exports everything the incremental would), so the two never compete for the lease. Only an
 * incremental that runs every day and a full run on named days of the week can be combined this way; anything
 * else is refused at synth with the fix, because a silent collision raises alarms every week.
 */
export function incrementalBesideFull(incremental: string, full: string, where: string): string {
  const inc = fieldsOf(incremental);
  const fullFields = fieldsOf(full);
  const fullDays = fullFields && fullFields[2] === '?' ? daysOf(fullFields[4] as string) : undefined;
  const daily = inc && ((inc[2] === '*' && inc[4] === '?') || (inc[2] === '?' && inc[4] === '*'));
  const fullDates = fullFields && fullFields[4] === '?' ? datesOf(fullFields[2] as string) : undefined;
  if (inc && daily && fullDates && fullFields?.[3] === '*') {
    // A monthly (or few-days-a-month) full run: the incremental runs on the other days of the month.
    const rest = ranges([...Array(31).keys()].map((i) => i + 1).filter((d) => !fullDates.has(d)));
    if (rest) return `cron(${inc[0]} ${inc[1]} ${rest} ${inc[3]} ? ${inc[5]})`;
  }
  if (inc && fullDays) {
    if (daily) {
      const rest = DAYS.filter((_, i) => !fullDays.has(i));
      if (rest.length === 0) throw collision(where, incremental, full);
      return `cron(${inc[0]} ${inc[1]} ? ${inc[3]} ${rest.join(',')} ${inc[5]})`;
    }
    const incDays = inc[2] === '?' ? daysOf(inc[4] as string) : undefined;
    if (incDays && [...incDays].every((d) => !fullDays.has(d))) return incremental;
  }
  throw collision(where, incremental, full);
}

/** The days of month a field names (`1`, `1,15`, `1-3`); undefined for `L`, `W`, `*` and steps. */
function datesOf(field: string): Set<number> | undefined {
  const dates = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = Number(m[2] ?? m[1]);
    if (from < 1 || to > 31 || from > to) return undefined;
    for (let d = from; d <= to; d += 1) dates.add(d);
  }
  return dates;
}

/** `2-14,16-31` for a sorted list of days; undefined when it is empty. */
function ranges(days: number[]): string | undefined {
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === (days[j] as number) + 1) j += 1;
    parts.push(i === j ? String(days[i]) : `${days[i]}-${days[j]}`);
    i = j + 1;
  }
  return parts.length > 0 ? parts.join(',') : undefined;
}

function collision(where: string, incremental: string, full: string): ConfigError {
  return new ConfigError(
    `context ${where}: schedule ${incremental} and fullSchedule ${full} would compete for the lease on the full run's days; use a daily schedule (cron(M H * * ? *)) with a fullSchedule on named weekdays (cron(M H ? * SUN *)), or give schedule weekdays that leave the full run's days out`,
  );
}
