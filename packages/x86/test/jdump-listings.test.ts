// Acceptance: every machine-code line of the real LuaJIT -jdump listings in
// fixtures/corpus parses, and its encoded length equals the address gap to the next line
// (the listings carry no bytes; the gaps and each trace's mcode size are the oracle).
// Lines where LuaJIT used a longer form than the shortest are named and must match the
// `long` encoding.
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parseInstruction } from '@tracesim/x86';

const CORPUS = join(__dirname, '../../../fixtures/corpus');

interface McodeLine { file: string; lineNo: number; address: number; text: string }
interface Trace { name: string; start: number; size: number; lines: McodeLine[] }

function readTraces(): Trace[] {
  const traces: Trace[] = [];
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.jdump')).sort();
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    let current: Trace | undefined;
    readFileSync(join(CORPUS, file), 'utf8').split('\n').forEach((line, i) => {
      const header = /^---- TRACE (\d+) mcode (\d+)$/.exec(line);
      if (header) {
        current = { name: `${file} trace ${header[1]}`, start: -1, size: Number(header[2]), lines: [] };
        traces.push(current);
        return;
      }
      if (line.startsWith('---- TRACE')) current = undefined;
      const mcode = /^([0-9a-f]{8,16})  ([^\t]*)(\t->.*)?$/.exec(line);
      if (current && mcode) {
        const address = parseInt(mcode[1], 16);
        if (current.start < 0) current.start = address;
        current.lines.push({ file, lineNo: i + 1, address, text: mcode[2] });
      }
    });
  }
  return traces;
}

test('every -jdump mcode line parses and its length equals the address gap', () => {
  const traces = readTraces();
  const failures: string[] = [];
  const longLines: string[] = [];
  let checked = 0;
  for (const trace of traces) {
    trace.lines.forEach((line, k) => {
      const end = k + 1 < trace.lines.length ? trace.lines[k + 1].address : trace.start + trace.size;
      const gap = end - line.address;
      const where = `${line.file}:${line.lineNo} '${line.text}'`;
      try {
        const shortest = parseInstruction(line.text, { address: line.address, line: line.lineNo });
        checked++;
        if (shortest.length === gap) return;
        const long = parseInstruction(line.text, { address: line.address, line: line.lineNo, long: true });
        if (long.length === gap) longLines.push(`${where}: ${shortest.length} → ${long.length} bytes`);
        else failures.push(`${where}: gap ${gap}, shortest ${shortest.length}, long ${long.length}`);
      } catch (err) {
        failures.push(`${where}: ${(err as Error).message}`);
      }
    });
  }
  for (const line of longLines) console.log(`LuaJIT used the long form: ${line}`);
  console.log(`jdump listings: ${checked} mcode lines in ${traces.length} traces parsed; ${longLines.length} use the long form`);
  expect(failures).toEqual([]);
  // No address-prefixed line of the listings escaped the trace sections above.
  const allMcodeLines = readdirSync(CORPUS).filter((f) => f.endsWith('.jdump'))
    .flatMap((f) => readFileSync(join(CORPUS, f), 'utf8').split('\n'))
    .filter((line) => /^[0-9a-f]{8,16}  /.test(line)).length;
  expect(checked).toBe(allMcodeLines);
  expect(checked).toBeGreaterThan(2000);
});
