// Oracle: real LuaJIT -jdump=+rsmT listings in fixtures/corpus. Every trace's start line, IR
// section (IR + SNAP lines, register column) and stop line must print back byte-identical.

import * as fs from 'fs';
import * as path from 'path';
import { parseJdump, parseTraceFile, printTrace } from '@tracesim/ir';

const CORPUS = path.resolve(__dirname, '../../../fixtures/corpus');
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.jdump')).sort();

/** Independent extraction: start line, IR header, IR/SNAP lines, stop line of each compiled trace. */
function expectedBlocks(text: string): string[] {
  const lines = text.split('\n');
  const blocks: string[] = [];
  const starts = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const start = /^---- TRACE (\d+) start /.exec(lines[i]);
    if (start) starts.set(start[1], lines[i]);
    const ir = /^---- TRACE (\d+) IR$/.exec(lines[i]);
    if (!ir) continue;
    const block = [starts.get(ir[1])!, lines[i]];
    let j = i + 1;
    for (; !lines[j].startsWith('---- '); j++) block.push(lines[j]);
    while (!lines[j].startsWith(`---- TRACE ${ir[1]} stop`)) j++;
    block.push(lines[j]);
    blocks.push(block.map((l) => l + '\n').join(''));
    i = j;
  }
  return blocks;
}

describe('corpus -jdump IR sections round-trip byte-identical', () => {
  let irLines = 0;
  let snapLines = 0;
  let traces = 0;

  test.each(files)('%s', (file) => {
    const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
    const expected = expectedBlocks(text);
    const parsed = parseJdump(text, file);
    expect(parsed.map((t) => printTrace(t))).toEqual(expected);
    for (const block of expected) {
      traces++;
      for (const line of block.split('\n')) {
        if (/^\d{4} /.test(line)) irLines++;
        if (line.startsWith('....')) snapLines++;
      }
    }
  });

  afterAll(() => {
    // Reported figure (visible with --verbose): how much of the corpus round-tripped.
    process.stdout.write(`corpus round trip: ${traces} traces, ${irLines} IR lines, ${snapLines} SNAP lines\n`);
  });

  test('the same traces printed without the r column (-jdump=+s) parse and print back too', () => {
    for (const file of files) {
      for (const t of parseJdump(fs.readFileSync(path.join(CORPUS, file), 'utf8'), file)) {
        const plain = printTrace(t, { registers: false });
        expect(parseTraceFile(plain).traces.map((x) => printTrace(x, { registers: false })).join('')).toBe(plain);
      }
    }
  });

  test('the corpus is not empty', () => {
    expect(files.length).toBeGreaterThanOrEqual(17);
  });
});
