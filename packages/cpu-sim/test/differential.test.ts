// Differential test against the real CPU: thousands of random snippets run natively (one
// harness run for the whole batch) and in tracesim; every GPR, the flags the SDM defines,
// xmm0-15, the scratch buffer and the stack window must agree. Seed: DIFF_SEED or the default.
import { execFileSync, spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { GPR64_NAMES, decodeAll, formatInstruction } from '@tracesim/x86';
import { runSnippet, SANDBOX, type SnippetInput } from '../src';
import { DRAWN_FORMS, Random, randomDoubleBits, randomInteger, randomSnippet, type Snippet } from './snippets';
import { seededRandom } from '@tracesim/machine';

const CASES = 6000;
const SEED = Number(process.env.DIFF_SEED ?? 20261125);
const FLAG_BITS: Record<string, number> = { C: 0, P: 2, A: 4, Z: 6, S: 7, O: 11 };

function buildHarness(): string {
  const gcc = spawnSync('gcc', ['--version']);
  if (gcc.error || gcc.status !== 0) throw new Error('the differential test needs gcc on PATH to build test/harness/harness.c (apt-get install gcc)');
  const dir = mkdtempSync(join(tmpdir(), 'tracesim-harness-'));
  const exe = join(dir, 'harness');
  execFileSync('gcc', ['-O1', '-o', exe, join(__dirname, 'harness', 'harness.c')]);
  return exe;
}

interface Case {
  snippet: Snippet;
  input: SnippetInput & { gprs: Map<number, bigint>; xmm: Map<number, [bigint, bigint]>; buffer: Uint8Array; rflags: number };
}

function randomCase(r: Random): Case {
  const gprs = new Map<number, bigint>();
  GPR64_NAMES.forEach((_, n) => gprs.set(n, randomInteger(r)));
  gprs.set(4, BigInt(SANDBOX.rsp));
  gprs.set(7, BigInt(SANDBOX.buffer));
  const xmm = new Map<number, [bigint, bigint]>();
  for (let n = 0; n < 16; n++) xmm.set(n, [randomDoubleBits(r), randomDoubleBits(r)]);
  const buffer = new Uint8Array(SANDBOX.bufferSize);
  const view = new DataView(buffer.buffer);
  for (let o = 0; o < buffer.length; o += 8) view.setBigUint64(o, r.int(2) ? randomDoubleBits(r) : randomInteger(r), true);
  let rflags = 0x202;
  for (const bit of Object.values(FLAG_BITS)) if (r.int(2)) rflags |= 1 << bit;
  return { snippet: randomSnippet(r), input: { code: new Uint8Array(), gprs, xmm, buffer, rflags } };
}

function caseBytes(c: Case): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32LE(c.snippet.code.length);
  const state = Buffer.alloc(136 + 256);
  for (let n = 0; n < 16; n++) state.writeBigUInt64LE(c.input.gprs.get(n) as bigint, 8 * n);
  state.writeBigUInt64LE(BigInt(c.input.rflags), 128);
  for (let n = 0; n < 16; n++) {
    const [lo, hi] = c.input.xmm.get(n) as [bigint, bigint];
    state.writeBigUInt64LE(lo, 136 + 16 * n);
    state.writeBigUInt64LE(hi, 136 + 16 * n + 8);
  }
  return Buffer.concat([head, Buffer.from(c.snippet.code), state, Buffer.from(c.input.buffer), Buffer.alloc(SANDBOX.stackWindow)]);
}

const RECORD = 4 + 136 + 256 + SANDBOX.bufferSize + SANDBOX.stackWindow;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The `tracesim exec` command that reruns a case. */
function execCommand(c: Case): string {
  const regs = [...c.input.gprs].filter(([n]) => n !== 4 && n !== 7).map(([n, v]) => `--reg ${GPR64_NAMES[n]}=0x${v.toString(16)}`);
  const xmm = [...c.input.xmm].map(([n, [lo, hi]]) => `--xmm ${n}=0x${hi.toString(16).padStart(16, '0')}${lo.toString(16).padStart(16, '0')}`);
  return ['tracesim exec --json', `--hex ${hex(c.snippet.code)}`, ...regs, `--reg rflags=0x${c.input.rflags.toString(16)}`, ...xmm, `--mem ${hex(c.input.buffer)}`].join(' ');
}

function listing(code: Uint8Array): string {
  return decodeAll(code, SANDBOX.code).map((ins) => formatInstruction(ins)).join('; ');
}

/** Differences between the native record and tracesim's result, as readable lines. */
function compare(c: Case, native: Buffer): string[] {
  const status = native.readUInt32LE(0);
  const ours = runSnippet({ ...c.input, code: c.snippet.code });
  const diffs: string[] = [];
  if (status !== 0 || ours.fault) {
    if (!(status !== 0 && ours.fault)) diffs.push(`native signal ${status}, tracesim ${ours.fault ? ours.fault.kind + ' ' + ours.fault.message : 'no fault'}`);
    return diffs;
  }
  GPR64_NAMES.forEach((name, n) => {
    const want = native.readBigUInt64LE(4 + 8 * n);
    if (want !== ours.gprs[n]) diffs.push(`${name}: cpu 0x${want.toString(16)} tracesim 0x${ours.gprs[n].toString(16)}`);
  });
  const rflags = Number(native.readBigUInt64LE(132));
  for (const f of c.snippet.definedFlags) {
    const bit = FLAG_BITS[f];
    if (((rflags >> bit) & 1) !== ((ours.rflags >> bit) & 1)) diffs.push(`${f}F: cpu ${(rflags >> bit) & 1} tracesim ${(ours.rflags >> bit) & 1}`);
  }
  for (let n = 0; n < 16; n++) {
    const lo = native.readBigUInt64LE(140 + 16 * n);
    const hi = native.readBigUInt64LE(148 + 16 * n);
    const [olo, ohi] = ours.xmm[n];
    if (lo !== olo || hi !== ohi) diffs.push(`xmm${n}: cpu ${hi.toString(16)}:${lo.toString(16)} tracesim ${ohi.toString(16)}:${olo.toString(16)}`);
  }
  const buffer = native.subarray(396, 396 + SANDBOX.bufferSize);
  if (!buffer.equals(Buffer.from(ours.buffer))) diffs.push(`buffer: cpu ${hex(buffer)}\n      tracesim ${hex(ours.buffer)}`);
  const stack = native.subarray(396 + SANDBOX.bufferSize, RECORD);
  if (!stack.equals(Buffer.from(ours.stack))) diffs.push(`stack window differs`);
  return diffs;
}

test(`tracesim agrees with the real CPU on ${CASES} random snippets`, () => {
  const harness = buildHarness();
  console.log(`differential test seed ${SEED} (set DIFF_SEED to change)`);
  const r = new Random(seededRandom(SEED));
  const cases = Array.from({ length: CASES }, () => randomCase(r));
  const dir = mkdtempSync(join(tmpdir(), 'tracesim-cases-'));
  const file = join(dir, 'cases.bin');
  writeFileSync(file, Buffer.concat(cases.map(caseBytes)));
  const output = execFileSync(harness, [], { input: Buffer.concat(cases.map(caseBytes)), maxBuffer: 1 << 30 });
  expect(output.length).toBe(RECORD * CASES);
  const failures: string[] = [];
  let instructions = 0;
  cases.forEach((c, i) => {
    instructions += c.snippet.instructions;
    const diffs = compare(c, output.subarray(RECORD * i, RECORD * (i + 1)));
    if (diffs.length > 0 && failures.length < 10) failures.push(`case ${i}:\n  ${diffs.join('\n  ')}\n  code: ${listing(c.snippet.code)}\n  reproduce: ${execCommand(c)}`);
    else if (diffs.length > 0) failures.push('');
  });
  const drawn = new Set(cases.flatMap((c) => c.snippet.forms));
  const missed = DRAWN_FORMS.filter((f) => !drawn.has(f.id)).map((f) => `${f.mnemonic} ${f.operands.join(',')}`);
  console.log(`compared ${CASES} snippets (${instructions} instructions, ${drawn.size} forms), ${failures.length} mismatches`);
  expect(missed).toEqual([]);
  expect(failures.filter(Boolean).join('\n\n')).toBe('');
  expect(failures.length).toBe(0);
});
