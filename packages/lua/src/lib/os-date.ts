// os.date's conversions (strftime in the C locale, in UTC) and its `*t` table.
import type { LuaInterpreter } from '../interpreter';
import type { LuaTable } from '../table';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const pad = (n: number, width = 2, fill = '0'): string => String(n).padStart(width, fill);

function dayOfYear(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

/** strftime's conversions, each from a UTC date. */
const CONVERSIONS: Readonly<Record<string, (d: Date) => string>> = {
  a: (d) => DAYS[d.getUTCDay()].slice(0, 3),
  A: (d) => DAYS[d.getUTCDay()],
  b: (d) => MONTHS[d.getUTCMonth()].slice(0, 3),
  B: (d) => MONTHS[d.getUTCMonth()],
  c: (d) => `${CONVERSIONS.a(d)} ${CONVERSIONS.b(d)} ${pad(d.getUTCDate(), 2, ' ')} ${CONVERSIONS.X(d)} ${d.getUTCFullYear()}`,
  d: (d) => pad(d.getUTCDate()),
  e: (d) => pad(d.getUTCDate(), 2, ' '),
  H: (d) => pad(d.getUTCHours()),
  I: (d) => pad(((d.getUTCHours() + 11) % 12) + 1),
  j: (d) => pad(dayOfYear(d), 3),
  m: (d) => pad(d.getUTCMonth() + 1),
  M: (d) => pad(d.getUTCMinutes()),
  p: (d) => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
  S: (d) => pad(d.getUTCSeconds()),
  w: (d) => String(d.getUTCDay()),
  x: (d) => `${CONVERSIONS.m(d)}/${CONVERSIONS.d(d)}/${CONVERSIONS.y(d)}`,
  X: (d) => `${CONVERSIONS.H(d)}:${CONVERSIONS.M(d)}:${CONVERSIONS.S(d)}`,
  y: (d) => pad(d.getUTCFullYear() % 100),
  Y: (d) => String(d.getUTCFullYear()),
  Z: () => 'UTC',
  '%': () => '%',
};

export function formatDate(format: string, seconds: number): string {
  const d = new Date(seconds * 1000);
  return format.replace(/%(.)/g, (all, c: string) => CONVERSIONS[c]?.(d) ?? all);
}

/** os.date('*t'): year, month, day, hour, min, sec, wday, yday, isdst. */
export function dateTable(vm: LuaInterpreter, seconds: number): LuaTable {
  const d = new Date(seconds * 1000);
  const t = vm.heap.table();
  const fields: [string, number | boolean][] = [
    ['year', d.getUTCFullYear()], ['month', d.getUTCMonth() + 1], ['day', d.getUTCDate()], ['hour', d.getUTCHours()],
    ['min', d.getUTCMinutes()], ['sec', d.getUTCSeconds()], ['wday', d.getUTCDay() + 1], ['yday', dayOfYear(d)], ['isdst', false],
  ];
  for (const [k, v] of fields) t.set(vm.heap.str(k), v);
  return t;
}
