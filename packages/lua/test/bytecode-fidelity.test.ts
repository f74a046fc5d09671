// `tracesim bc` against `luajit -bl` (Debian LuaJIT 2.1, recorded by scripts/record-bytecode.sh)
// for every corpus program and every conformance case, line by line. README.md lists the
// deliberate differences (currently none); the agreement figure is printed.
import * as fs from 'fs';
import * as path from 'path';
import { compileLua, listBytecode, type Proto } from '../src';
import { BYTECODE_FIXTURES, CONFORMANCE, CORPUS, REPO } from './helpers';

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

test('the source line of every bytecode agrees with LuaJIT\'s line info (fixtures/luajit-lines.txt)', () => {
  // Recorded by scripts/record-lines.sh: "== file", then per prototype (children first)
  // "<firstline>: <line of pc 1> <line of pc 2> ...".
  const blocks = fs.readFileSync(path.join(REPO, 'fixtures/luajit-lines.txt'), 'latin1').split(/^== /m).filter((b) => b !== '');
  const differences: string[] = [];
  for (const block of blocks) {
    const [file, ...expected] = block.trimEnd().split('\n');
    const actual: string[] = [];
    const walk = (p: Proto): void => {
      for (const k of p.kgc) if (k.kind === 'proto') walk(k.proto);
      actual.push(`${p.firstline}: ${[...p.lines.slice(1)].join(' ')}`);
    };
    walk(compileLua(fs.readFileSync(path.join(REPO, file), 'latin1'), file));
    if (actual.join('\n') !== expected.join('\n')) differences.push(file);
  }
  console.log(`line info agreement: ${blocks.length - differences.length}/${blocks.length} programs identical`);
  expect(blocks.length).toBeGreaterThan(200);
  expect(differences).toEqual([]);
});
