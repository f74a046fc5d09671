// The hash part's layout against the real LuaJIT: generated sequences of stores and deletions
// of number and boolean keys (whose hashes LuaJIT does not seed), with rehashes growing and
// shrinking both parts, go into ONE Lua script, run once by `luajit -joff` and once by our
// interpreter; each case prints its keys in pairs() order, which is the node order of LuaJIT's
// main positions, free top and collision moves (table.ts), compared line by line. String keys
// are left out: Debian's LuaJIT seeds their hash at random for each run. PAIRS_ORACLE_SEED /
// PAIRS_ORACLE_CASES override the seed and the number of cases.
import { seededRandom } from '@tracesim/machine';
import { runChunk, runLuajit } from './helpers';

const SEED = Number(process.env.PAIRS_ORACLE_SEED ?? 0x9a125);
const CASES = Number(process.env.PAIRS_ORACLE_CASES ?? 300);
const CHUNK = 'pairs_oracle.lua';

const PRELUDE = `
local function K(id, t)
  local out = {}
  for k, v in pairs(t) do out[#out + 1] = tostring(k) .. '=' .. tostring(v) end
  print(id .. ' ' .. table.concat(out, ' '))
end
`;

/** A key of one of the kinds a program stores: small and large integers, fractions, negatives, huge numbers, booleans. */
function key(random: () => number): string {
  const r = random();
  const n = Math.floor(random() * 64);
  if (r < 0.3) return String(n + 1);
  if (r < 0.55) return `${n * 0.25 - 5}`;
  if (r < 0.7) return `${-n - 1}`;
  if (r < 0.85) return `${2 ** 20 + n * 7}`;
  if (r < 0.95) return `${n}e${n % 30}`;
  return random() < 0.5 ? 'true' : 'false';
}

function script(): string {
  const random = seededRandom(SEED);
  const cases: string[] = [];
  for (let c = 0; c < CASES; c++) {
    const stores = 1 + Math.floor(random() * 60);
    const body: string[] = [];
    for (let s = 0; s < stores; s++) body.push(`t[${key(random)}] = ${random() < 0.2 ? 'nil' : s + 1}`);
    cases.push(`do local t = {} ${body.join('; ')}; K(${c}, t) end`);
  }
  return PRELUDE + cases.join('\n') + '\n';
}

test(`pairs() order of number and boolean keys equals LuaJIT's (seed ${SEED}, ${CASES} cases)`, () => {
  const source = script();
  const theirs = runLuajit(source, CHUNK).split('\n');
  const ours = runChunk(source, CHUNK);
  expect(ours.error).toBeUndefined();
  const lines = ours.output.split('\n');
  const differing = lines.filter((line, i) => line !== theirs[i]).slice(0, 3);
  expect(differing).toEqual([]);
  expect(lines.length).toBe(theirs.length);
});
