// Mutation test: real clean dumps, rewritten as text the way a broken backend would emit them.
// Each mutant breaks one contract row in one trace; the lint must flag it and name that trace.
// The expected frame of each trace is summed from the head adjustments of its parent chain,
// straight from the text, independently of the lint.
import { lintDump } from '@tracesim/lint';
import { corpusDumps, fixture, ISSUE_1169_DUMP } from './support/fixtures';

interface Block {
  readonly number: number;
  readonly parent?: number;
  /** Indexes of the mcode lines in the dump's line array. */
  readonly mcode: readonly number[];
}

const HEAD_ADJUST = /^[0-9a-f]+ {2}add rsp, -0x([0-9a-f]+)$/;
const TAIL_ADJUST = /^[0-9a-f]+ {2}add rsp, \+0x([0-9a-f]+)$/;
const GUARD = /^[0-9a-f]+ {2}j(?!mp)\w+ 0x[0-9a-f]+\t->\d+$/;
const MCODE = /^[0-9a-f]+ {2}/;

function blocks(lines: readonly string[]): Block[] {
  const out: Block[] = [];
  const parents = new Map<number, number | undefined>();
  lines.forEach((line, i) => {
    const start = /^---- TRACE (\d+) start (?:(\d+)\/\d+ )?/.exec(line);
    if (start) parents.set(Number(start[1]), start[2] === undefined ? undefined : Number(start[2]));
    const header = /^---- TRACE (\d+) mcode/.exec(line);
    if (!header) return;
    const mcode: number[] = [];
    for (let j = i + 1; j < lines.length && !lines[j].startsWith('---- '); j++) if (MCODE.test(lines[j])) mcode.push(j);
    const number = Number(header[1]);
    out.push({ number, parent: parents.get(number), mcode });
  });
  return out;
}

/** The frame of each trace: its head's `add rsp, -X` plus its parent's frame. */
function frames(lines: readonly string[], all: readonly Block[]): Map<number, number> {
  const frame = new Map<number, number>();
  for (const b of all) {
    const head = b.mcode.map((i) => HEAD_ADJUST.exec(lines[i])).find(Boolean);
    frame.set(b.number, (b.parent === undefined ? 0 : frame.get(b.parent) ?? 0) + (head ? parseInt(head[1], 16) : 0));
  }
  return frame;
}

interface Mutant {
  readonly name: string;
  readonly trace: number;
  readonly text: string;
  /** False for a rewrite that the contract allows (a self-link of a side trace whose parent has no frame). */
  readonly breaks: boolean;
  /** For a self-link: the drift each lap must show (the parent's frame). */
  readonly drift?: number;
}

const addressOf = (line: string) => line.slice(0, line.indexOf(' '));

function mutants(file: string): Mutant[] {
  const lines = fixture(file).split('\n');
  const all = blocks(lines);
  const frame = frames(lines, all);
  const out: Mutant[] = [];
  const rewrite = (name: string, b: Block, edit: (copy: string[]) => void, breaks = true, drift?: number) => {
    const copy = [...lines];
    edit(copy);
    out.push({ name: `${file} trace ${b.number}: ${name}`, trace: b.number, text: copy.join('\n'), breaks, ...(drift ? { drift } : {}) });
  };
  for (const b of all) {
    const tail = b.mcode.find((i) => TAIL_ADJUST.test(lines[i]));
    if (tail !== undefined) rewrite('tail without its add rsp', b, (c) => c.splice(tail, 1));
    const head = b.mcode.find((i) => HEAD_ADJUST.test(lines[i]));
    if (head !== undefined) {
      const size = parseInt(HEAD_ADJUST.exec(lines[head])![1], 16);
      rewrite(`head frame 0x${size.toString(16)} → 0x${(size + 16).toString(16)}`, b, (c) => {
        c[head] = `${addressOf(lines[head])}  add rsp, -0x${(size + 16).toString(16)}`;
      });
    }
    const last = b.mcode[b.mcode.length - 1];
    const tailJump = /^([0-9a-f]+) {2}jmp 0x([0-9a-f]+)(\t->exit_interp)?$/.exec(lines[last]);
    const ownAddresses = new Set(b.mcode.map((i) => addressOf(lines[i])));
    if (b.parent !== undefined && tailJump && !ownAddresses.has(tailJump[2])) {
      const parentFrame = frame.get(b.parent) ?? 0;
      rewrite('tail redirected to its own start', b, (c) => {
        c[last] = `${tailJump[1]}  jmp 0x${addressOf(lines[b.mcode[0]])}`;
      }, parentFrame > 0, parentFrame);
    }
    const guard = b.mcode.find((i, k) => k > 2 && GUARD.test(lines[i]));
    if (guard !== undefined) rewrite('push before a guard', b, (c) => c.splice(guard, 0, `${addressOf(lines[guard])}  push rax`));
    const call = b.mcode.find((i) => /^[0-9a-f]+ {2}call /.test(lines[i]));
    if (call !== undefined) rewrite('push before a call', b, (c) => c.splice(call, 0, `${addressOf(lines[call])}  push rax`));
  }
  return out;
}

const CLEAN = corpusDumps().filter((f) => f !== ISSUE_1169_DUMP);
const ALL = CLEAN.flatMap(mutants);

test('the clean dumps give mutants of every kind', () => {
  const kinds = new Set(ALL.map((m) => m.name.replace(/^.*: /, '').replace(/0x[0-9a-f]+/g, 'X')));
  expect([...kinds].sort()).toEqual(['head frame X → X', 'push before a call', 'push before a guard', 'tail redirected to its own start', 'tail without its add rsp']);
  expect(ALL.filter((m) => m.breaks).length).toBeGreaterThan(60);
  expect(ALL.some((m) => m.name.includes('redirected') && m.breaks)).toBe(true);
});

test.each(ALL.filter((m) => m.breaks).map((m) => [m.name, m] as const))('%s is flagged in that trace', (_, mutant) => {
  const report = lintDump(mutant.text, 'mutant.jdump');
  expect(report.findings.map((f) => f.trace)).toContain(mutant.trace);
  if (mutant.drift !== undefined) {
    expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'side-entry', trace: mutant.trace, delta: mutant.drift }));
  }
});

test.each(ALL.filter((m) => !m.breaks).map((m) => [m.name, m] as const))('%s is allowed: the parent has no frame to inherit', (_, mutant) => {
  const report = lintDump(mutant.text, 'mutant.jdump');
  expect(report.findings.filter((f) => f.trace === mutant.trace)).toEqual([]);
});
