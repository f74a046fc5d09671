// Reads the real LuaJIT -jdump listings in fixtures/corpus into what the backend tests compare
// against: per trace, its parent, the spill slots of its IR `r` column and its mcode lines.
// The extraction is plain text matching, independent of the backend.

import * as fs from 'fs';
import * as path from 'path';
import { parseJdump, type Trace } from '@tracesim/ir';

export const CORPUS = path.resolve(__dirname, '../../../../fixtures/corpus');

export interface McodeLine {
  readonly address: number;
  readonly text: string;
  /** The exit number after `\t->N`, if the line branches to an exit stub. */
  readonly exit?: number;
  /** The line is the loop's back-branch (`\t->LOOP`). */
  readonly loopBranch?: true;
}

export interface CorpusTrace {
  readonly file: string;
  readonly number: number;
  readonly parent?: number;
  readonly ir: Trace;
  /** The instruction lines (`NNNN ...`) of the trace's IR section, as LuaJIT printed them. */
  readonly irLines: readonly string[];
  readonly mcode: readonly McodeLine[];
  /** Byte count from the `---- TRACE N mcode SIZE` header. */
  readonly mcodeSize: number;
  readonly stop: string;
}

export function corpusFiles(): string[] {
  return fs.readdirSync(CORPUS).filter((f) => f.endsWith('.jdump')).sort();
}

/** Every compiled trace of one corpus file, in dump order. */
export function corpusTraces(file: string): CorpusTrace[] {
  const text = fs.readFileSync(path.join(CORPUS, file), 'utf8');
  const irByNumber = new Map(parseJdump(text, file).map((t) => [t.number, t]));
  const lines = text.split('\n');
  const traces: CorpusTrace[] = [];
  const parents = new Map<number, number | undefined>();
  const irLines = new Map<number, string[]>();
  for (let i = 0; i < lines.length; i++) {
    const irHeader = /^---- TRACE (\d+) IR$/.exec(lines[i]);
    if (irHeader) {
      const own: string[] = [];
      for (let j = i + 1; !lines[j].startsWith('---- '); j++) if (/^\d{4} /.test(lines[j])) own.push(lines[j]);
      irLines.set(Number(irHeader[1]), own);
    }
    const start = /^---- TRACE (\d+) start (?:(\d+)\/\d+ )?/.exec(lines[i]);
    if (start) parents.set(Number(start[1]), start[2] === undefined ? undefined : Number(start[2]));
    const header = /^---- TRACE (\d+) mcode (\d+)$/.exec(lines[i]);
    if (!header) continue;
    const number = Number(header[1]);
    const mcode: McodeLine[] = [];
    let j = i + 1;
    for (; !lines[j].startsWith('---- '); j++) {
      const m = /^([0-9a-f]+) {2}([^\t]*)(?:\t->(\d+|LOOP))?$/.exec(lines[j]);
      if (!m) continue; // `->LOOP:` labels
      const exit = m[3] === undefined || m[3] === 'LOOP' ? undefined : Number(m[3]);
      mcode.push({
        address: parseInt(m[1], 16), text: m[2],
        ...(exit === undefined ? {} : { exit }), ...(m[3] === 'LOOP' ? { loopBranch: true as const } : {}),
      });
    }
    const ir = irByNumber.get(number);
    if (!ir) throw new Error(`${file}: trace ${number} has mcode but no IR`);
    traces.push({ file, number, parent: parents.get(number), ir, irLines: irLines.get(number)!, mcode, mcodeSize: Number(header[2]), stop: lines[j] });
    i = j;
  }
  return traces;
}

export function allCorpusTraces(): CorpusTrace[] {
  return corpusFiles().flatMap(corpusTraces);
}

/** Index of the head's vmstate store `mov dword [r14-0xec8], N`. */
export function vmstateStoreIndex(t: CorpusTrace): number {
  const i = t.mcode.findIndex((l) => l.text === `mov dword [r14-0xec8], 0x${t.number.toString(16)}`);
  if (i < 0) throw new Error(`${t.file}: trace ${t.number} has no vmstate store`);
  return i;
}

/** The byte count `add rsp, -0x..` right before the vmstate store lowers rsp by (0 if none). */
export function headLowering(t: CorpusTrace): number {
  const i = vmstateStoreIndex(t);
  const m = i > 0 ? /^add rsp, -0x([0-9a-f]+)$/.exec(t.mcode[i - 1].text) : null;
  return m ? parseInt(m[1], 16) : 0;
}

/** Byte length of mcode line k, from the address of the next line or the mcode size. */
export function lineLength(t: CorpusTrace, k: number): number {
  const end = k + 1 < t.mcode.length ? t.mcode[k + 1].address : t.mcode[0].address + t.mcodeSize;
  return end - t.mcode[k].address;
}
