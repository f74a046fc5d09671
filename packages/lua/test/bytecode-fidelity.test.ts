// `tracesim bc` against `luajit -bl` (Debian LuaJIT 2.1, recorded by scripts/record-bytecode.sh)
// for every corpus program and every conformance case, line by line. README.md lists the
// deliberate differences (currently none); the agreement figure is printed.
import * as fs from 'fs';
import * as path from 'path';
import { compileLua, listBytecode } from '../src';
import { BYTECODE_FIXTURES, CONFORMANCE, CORPUS } from './helpers';

interface Comparison {
  identical: number;
  total: number;
  differences: string[];
}

function compareSet(sourceDir: string, fixtureDir: string): Comparison {
  const result: Comparison = { identical: 0, total: 0, differences: [] };
  for (const file of fs.readdirSync(fixtureDir).filter((f) => f.endsWith('.bl')).sort()) {
    const lua = file.replace(/\.bl$/, '.lua');
    const expected = fs.readFileSync(path.join(fixtureDir, file), 'latin1').split('\n');
    const actual = listBytecode(compileLua(fs.readFileSync(path.join(sourceDir, lua), 'latin1'), lua)).split('\n');
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      result.total++;
      if (expected[i] === actual[i]) result.identical++;
      else result.differences.push(`${lua} line ${i + 1}: luajit ${JSON.stringify(expected[i])} tracesim ${JSON.stringify(actual[i])}`);
    }
  }
  return result;
}

test.each([
  ['corpus', CORPUS, path.join(BYTECODE_FIXTURES, 'corpus')],
  ['conformance cases', path.join(CONFORMANCE, 'cases'), path.join(BYTECODE_FIXTURES, 'conformance')],
])('bytecode listings of the %s agree with luajit -bl', (name, sourceDir, fixtureDir) => {
  const { identical, total, differences } = compareSet(sourceDir, fixtureDir);
  console.log(`bytecode agreement (${name}): ${identical}/${total} identical lines`);
  expect(total).toBeGreaterThan(100);
  expect(differences).toEqual([]);
});
