// Number formatting against LuaJIT itself: tostring (%.14g, ties away from zero as
// lj_strfmt rounds) and string.format's %f/%e/%g/%d/%x on seeded random numbers, checked in
// one luajit batch.
import { execFileSync } from 'child_process';
import fc from 'fast-check';
import { formatString } from '../src/format';
import { formatNumber, parseNumber } from '../src/numfmt';

const FORMATS = ['%.3f', '%.0f', '%10.2f', '%e', '%.2e', '%g', '%.3g', '%-12g|', '%+.5g'];

function sampleNumbers(): number[] {
  const arbitrary = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.integer({ min: -1e6, max: 1e6 }).map((k) => k / 8),
    fc.integer({ min: -1e6, max: 1e6 }).map((k) => k / 1000),
    fc.integer({ min: -300, max: 300 }).map((e) => 1.2345678901234567 * 10 ** e),
    fc.constantFrom(0, -0, 0.5, 1.5, 2.5, 0.125, 123456789012345, 1e15, 1e16, 2 ** 53, 2 ** 63, 5e-324, 1.7976931348623157e308, Infinity, -Infinity),
  );
  return fc.sample(arbitrary, { seed: 20261125, numRuns: 1500 });
}

function luajit(numbers: readonly number[]): string[] {
  const script = [
    'local fmts = {' + FORMATS.map((f) => JSON.stringify(f)).join(',') + '}',
    'for line in io.lines() do',
    '  local x = tonumber(line)',
    '  local parts = {tostring(x)}',
    '  for _, f in ipairs(fmts) do parts[#parts + 1] = string.format(f, x) end',
    '  if x == math.floor(x) and math.abs(x) < 2^53 then parts[#parts + 1] = string.format("%d|%5d|%x", x, x, math.abs(x)) end',
    '  io.write(table.concat(parts, "\\t"), "\\n")',
    'end',
  ].join('\n');
  const input = numbers.map((n) => (Object.is(n, -0) ? '-0' : Number.isFinite(n) ? String(n) : n > 0 ? '1e999' : '-1e999')).join('\n') + '\n';
  try {
    return execFileSync('luajit', ['-e', script], { input, encoding: 'latin1' }).split('\n');
  } catch (err) {
    throw new Error(`this test needs luajit on PATH (Debian package luajit): ${(err as Error).message}`);
  }
}

test('tostring and string.format agree with LuaJIT on 1500 seeded numbers', () => {
  const numbers = sampleNumbers();
  const expected = luajit(numbers);
  const mismatches: string[] = [];
  numbers.forEach((x, i) => {
    const parts = [formatNumber(x), ...FORMATS.map((f) => formatString(f, { count: 1, number: () => x, integer: () => BigInt(Math.trunc(x)), string: () => '', invalid: () => { throw new Error('invalid'); } }))];
    if (x === Math.floor(x) && Math.abs(x) < 2 ** 53) {
      parts.push(formatString('%d|%5d|%x', { count: 3, number: (k) => (k === 3 ? Math.abs(x) : x), integer: (k) => BigInt(k === 3 ? Math.abs(x) : x), string: () => '', invalid: () => { throw new Error('invalid'); } }));
    }
    const actual = parts.join('\t');
    if (actual !== expected[i]) mismatches.push(`${x}: luajit ${expected[i]} tracesim ${actual}`);
  });
  expect(mismatches.slice(0, 10)).toEqual([]);
});

test.each([
  ['42', 42], ['  -3.5e2 ', -350], ['0x1F', 31], ['-0x10', -16], ['.5', 0.5], ['5.', 5], ['inf', Infinity],
  ['1e', undefined], ['', undefined], ['0x', undefined], ['12abc', undefined], ['- 1', undefined],
])('string→number coercion of %j', (s, n) => {
  expect(parseNumber(s)).toBe(n);
});
