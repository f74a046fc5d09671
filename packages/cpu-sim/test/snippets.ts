// Random snippet generator for the differential test: 1-20 instructions drawn from the
// x86 form table (seeded), with operands that keep memory accesses inside the sandbox
// buffer, safe divisions, forward jumps over short blocks, and flag consumers only where
// the flags they read are defined. It also tracks which arithmetic flags are defined at
// the end (the SDM leaves some undefined), so the comparison can mask the others.
import {
  INSTRUCTION_FORMS, encode, formMnemonic, isConditionFamily,
  type Form, type Instruction, type Operand, type OperandKind,
} from '@tracesim/x86';
import { FLAG_EFFECTS, SANDBOX, type FlagEffect } from '../src';


export class Random {
  constructor(readonly next: () => number) {}
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  u32(): bigint {
    return BigInt(this.int(2 ** 32));
  }
  u64(): bigint {
    return (this.u32() << 32n) | this.u32();
  }
}

const EDGE_INTEGERS = [
  0n, 1n, 2n, 3n, 7n, 8n, 31n, 32n, 63n, 64n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn,
  0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xffffffffffffffffn, 0xfffffffffffffffen, 0xffffffff80000000n, 0x00000000fffffff0n,
];

export function randomInteger(r: Random): bigint {
  switch (r.int(4)) {
    case 0: return r.pick(EDGE_INTEGERS);
    case 1: return BigInt(r.int(256)) - 128n & 0xffffffffffffffffn;
    default: return r.u64();
  }
}

const f64Bits = (x: number): bigint => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(x);
  return b.readBigUInt64LE();
};

const EDGE_DOUBLES: readonly bigint[] = [
  ...[0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 0.49999999999999994, 2 ** 31, -(2 ** 31), 2 ** 31 - 0.5, 2 ** 31 - 1,
    -(2 ** 31) - 0.5, -(2 ** 31) - 1, 2 ** 63, -(2 ** 63), 2 ** 63 - 1024, 2 ** 52, 2 ** 52 + 1, 2 ** 53 + 2, 1e308, -1e308,
    5e-324, -5e-324, 2.2250738585072014e-308, Infinity, -Infinity, 3.4028234663852886e38, 3.4028235677973366e38, 1e-45, 1.401298464324817e-45,
    Math.PI, 1 / 3, 0.1, 123456789.75, -987654321.25].map(f64Bits),
  0x8000000000000000n, // -0
  0x7ff8000000000000n, // quiet NaN
  0xfff8000000000000n, // default NaN
  0x7ff0000000000001n, // signalling NaN
  0x7ff4000000000abcn, // signalling NaN with payload
  0xfff80000deadbeefn, // negative quiet NaN with payload
];

export function randomDoubleBits(r: Random): bigint {
  switch (r.int(3)) {
    case 0: return r.pick(EDGE_DOUBLES);
    case 1: return f64Bits((r.next() - 0.5) * 2 ** r.int(70));
    default: return r.u64();
  }
}

// ---- flags ---------------------------------------------------------------------------

export type FlagSet = Set<string>; // letters C P A Z S O

const CONDITION_READS = ['O', 'O', 'C', 'C', 'Z', 'Z', 'CZ', 'CZ', 'S', 'S', 'P', 'P', 'SO', 'SO', 'ZSO', 'ZSO'];

function effectOf(ins: Instruction): FlagEffect | undefined {
  if (ins.cond !== undefined) return { reads: CONDITION_READS[ins.cond], defines: '', undefines: '' };
  return FLAG_EFFECTS[ins.mnemonic];
}

export function flagsRead(ins: Instruction): string {
  return effectOf(ins)?.reads ?? '';
}

/**
 * Updates the set of defined flags after `ins` (value-dependent rules for shifts and
 * rotates; `clCount` is the value of cl when a shift counts by cl).
 */
export function applyFlagEffect(defined: FlagSet, ins: Instruction, clCount?: number): void {
  const effect = effectOf(ins);
  if (!effect) return;
  const set = (letters: string, on: boolean) => [...letters].forEach((l) => (on ? defined.add(l) : defined.delete(l)));
  if (!effect.conditional) {
    set(effect.defines, true);
    set(effect.undefines, false);
    return;
  }
  const [dst, countOp] = ins.operands;
  const w = dst.kind === 'gpr' ? dst.width : (dst as { width: number }).width;
  const rotate = ins.mnemonic === 'rol' || ins.mnemonic === 'ror';
  const count = countOp.kind === 'imm' ? Number(countOp.value) : clCount;
  if (count === undefined) {
    set(rotate ? 'CO' : 'CPAZSO', false); // count unknown here
    return;
  }
  const c = count & (w === 64 ? 63 : 31);
  if (c === 0) return;
  if (rotate) {
    set('C', true);
    set('O', c === 1);
    return;
  }
  set('PZS', true);
  set('A', false);
  set('C', c <= w);
  set('O', c === 1);
}

// ---- operands ------------------------------------------------------------------------

const WRITABLE_GPRS = [0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15]; // never rsp or rdi (the buffer)
const BUFFER_BASE = 7;

function gprOperand(r: Random, width: 8 | 16 | 32 | 64, avoid: readonly number[] = []): Operand {
  if (width === 8 && r.int(4) === 0) {
    const num = r.pick([4, 5, 6, 7].filter((n) => !avoid.includes(n - 4)));
    return { kind: 'gpr', num, width: 8, high8: true };
  }
  return { kind: 'gpr', num: r.pick(WRITABLE_GPRS.filter((n) => !avoid.includes(n))), width };
}

function bufferOperand(r: Random, width: 0 | 8 | 16 | 32 | 64 | 128): Operand {
  const size = Math.max(width / 8, 1);
  const disp = width === 128 ? 16 * r.int(SANDBOX.bufferSize / 16) : r.int(SANDBOX.bufferSize - size + 1);
  return { kind: 'mem', width, base: BUFFER_BASE, scale: 1, disp };
}

function leaOperand(r: Random): Operand {
  const scale = r.pick([1, 2, 4, 8] as const);
  const index = r.int(3) === 0 ? undefined : r.pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const base = r.int(5) === 0 ? undefined : r.int(16);
  const disp = r.pick([0, 1, -1, 0x7fffffff, -0x80000000, r.int(256) - 128, r.int(2 ** 32) - 2 ** 31]);
  return { kind: 'mem', width: 0, ...(base === undefined ? {} : { base }), ...(index === undefined ? {} : { index }), scale, disp };
}

const IMM_BITS: Partial<Record<OperandKind, number>> = { imm8: 8, imm16: 16, imm32: 32, imm64: 64 };

function immediateOperand(r: Random, kind: OperandKind, form: Form): Operand {
  if (kind === 'u8') {
    const value = form.mnemonic === 'roundsd' ? r.int(16) : r.pick([0, 1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, r.int(256)]);
    return { kind: 'imm', value: BigInt(value), width: 8 };
  }
  const bits = IMM_BITS[kind] as number;
  const raw = r.int(3) === 0 ? r.pick(EDGE_INTEGERS) : randomInteger(r);
  return { kind: 'imm', value: BigInt.asIntN(bits, raw), width: bits as 8 | 16 | 32 | 64 };
}

function operandFor(r: Random, kind: OperandKind, form: Form): Operand {
  switch (kind) {
    case 'r8': case 'o8': return gprOperand(r, 8);
    case 'r16': case 'o16': return gprOperand(r, 16);
    case 'r32': case 'o32': return gprOperand(r, 32);
    case 'r64': case 'o64': return gprOperand(r, 64);
    case 'rm8': case 'rm16': case 'rm32': case 'rm64': {
      const width = Number(kind.slice(2)) as 8 | 16 | 32 | 64;
      return r.int(2) === 0 ? gprOperand(r, width) : bufferOperand(r, width);
    }
    case 'm': return leaOperand(r);
    case 'x': return { kind: 'xmm', num: r.int(16) };
    case 'xm32': case 'xm64': case 'xm128':
      return r.int(2) === 0 ? { kind: 'xmm', num: r.int(16) } : bufferOperand(r, Number(kind.slice(2)) as 32 | 64 | 128);
    case 'al': return { kind: 'gpr', num: 0, width: 8 };
    case 'ax': return { kind: 'gpr', num: 0, width: 16 };
    case 'eax': return { kind: 'gpr', num: 0, width: 32 };
    case 'rax': return { kind: 'gpr', num: 0, width: 64 };
    case 'cl': return { kind: 'gpr', num: 1, width: 8 };
    case 'one': return { kind: 'imm', value: 1n, width: 8 };
    default: return immediateOperand(r, kind, form);
  }
}

// ---- snippets ------------------------------------------------------------------------

/** Forms that leave the snippet or stop it; the CPU tests cover them. */
const EXCLUDED = new Set(['call', 'ret', 'int3', 'ud2', 'j', 'jmp', 'div', 'idiv']);
const PLAIN_FORMS = INSTRUCTION_FORMS.filter((f) => !EXCLUDED.has(f.mnemonic));
const DIVIDE_FORMS = INSTRUCTION_FORMS.filter((f) => f.mnemonic === 'div' || f.mnemonic === 'idiv');
const JCC_FORMS = INSTRUCTION_FORMS.filter((f) => f.mnemonic === 'j' || (f.mnemonic === 'jmp' && f.operands[0] !== 'rm64'));
/** Every form the generator draws from. */
export const DRAWN_FORMS: readonly Form[] = [...PLAIN_FORMS, ...DIVIDE_FORMS, ...JCC_FORMS];

interface Item {
  input: { mnemonic: string; operands: Operand[]; cond?: number; formId: number };
  /** For a forward jump: how many following items it skips. */
  skip?: number;
}

function input(form: Form, operands: Operand[], cond?: number): Item['input'] {
  return { mnemonic: formMnemonic(form, cond), operands, ...(cond === undefined ? {} : { cond }), formId: form.id };
}

function tryEncode(item: Item['input'], address: number): Uint8Array | undefined {
  try {
    return encode(item, { address, keepForm: true });
  } catch {
    return undefined;
  }
}

const formNamed = (mnemonic: string, ops: readonly OperandKind[]) =>
  INSTRUCTION_FORMS.find((f) => f.mnemonic === mnemonic && f.operands.join() === ops.join()) as Form;

/** The instructions that make a division safe, then the division itself. */
function safeDivision(r: Random): Item[] {
  const form = r.pick(DIVIDE_FORMS);
  const width = Number(form.operands[0].slice(2)) as 8 | 16 | 32 | 64;
  const divisor = gprOperand(r, width, [0, 2]) as Operand & { num: number };
  if (width === 8 && (divisor as { high8?: boolean }).high8) return [];
  const reg = (num: number, w: 8 | 16 | 32 | 64): Operand => ({ kind: 'gpr', num, width: w });
  const one = { kind: 'imm', value: 1n, width: 8 } as const;
  const rmw = width === 8 ? 'rm8' : `rm${width}` as OperandKind;
  const items: Item[] = [
    { input: input(formNamed('shr', [rmw, 'one']), [divisor, one]) },
    { input: input(formNamed('or', [rmw, 'imm8']), [divisor, one]) },
  ];
  const signed = form.mnemonic === 'idiv';
  if (width === 8) {
    const widen = formNamed(signed ? 'movsx' : 'movzx', ['r16', 'rm8']);
    items.push({ input: input(widen, [reg(0, 16), reg(0, 8)]) });
  } else if (signed) {
    items.push({ input: input(formNamed('mov', [`rm${width}` as OperandKind, `r${width}` as OperandKind]), [reg(2, width), reg(0, width)]) });
    items.push({ input: input(formNamed('sar', [`rm${width}` as OperandKind, 'u8']), [reg(2, width), { kind: 'imm', value: BigInt(width - 1), width: 8 }]) });
  } else {
    items.push({ input: input(formNamed('xor', [`rm${width}` as OperandKind, `r${width}` as OperandKind]), [reg(2, width), reg(2, width)]) });
  }
  items.push({ input: input(form, [divisor]) });
  return items;
}

export interface Snippet {
  readonly code: Uint8Array;
  readonly instructions: number;
  /** formIds of the instructions. */
  readonly forms: readonly number[];
  /** Flags whose final value the SDM defines for this sequence (letters CPAZSO). */
  readonly definedFlags: string;
}

function decodeLike(item: Item['input'], address: number, bytes: Uint8Array): Instruction {
  return { ...item, address, length: bytes.length };
}

/** A random snippet of 1-20 instructions at the sandbox's code address. */
export function randomSnippet(r: Random): Snippet {
  const wanted = 1 + r.int(20);
  const items: Item[] = [];
  const defined: FlagSet = new Set('CPAZSO');
  // forward jumps whose landing point is not reached yet; `at` = index of the landing item
  const joins: { at: number; definedAtJump: FlagSet; jump: Item; jumpIndex: number }[] = [];
  const land = (upTo: number) => {
    for (const join of joins.filter((j) => j.at <= upTo)) {
      for (const f of [...defined]) if (!join.definedAtJump.has(f)) defined.delete(f);
      joins.splice(joins.indexOf(join), 1);
    }
  };
  /** Appends items that must run as a unit: no jump lands between them. */
  const pushGroup = (group: Item[]) => {
    for (const join of joins) {
      if (join.at > items.length && join.at < items.length + group.length) {
        join.at = items.length + group.length;
        join.jump.skip = join.at - join.jumpIndex - 1;
      }
    }
    items.push(...group);
  };
  let guard = 0;
  while (items.length < wanted && guard++ < 500) {
    land(items.length);
    const roll = r.int(20);
    if (roll === 0) {
      const division = safeDivision(r);
      for (const item of division) applyFlagEffect(defined, decodeLike(item.input, 0, new Uint8Array()));
      pushGroup(division);
      continue;
    }
    if (roll === 1 && wanted - items.length > 1) {
      const form = r.pick(JCC_FORMS);
      const cond = isConditionFamily(form) ? r.int(16) : undefined;
      if (cond !== undefined && ![...CONDITION_READS[cond]].every((f) => defined.has(f))) continue;
      const skip = 1 + r.int(Math.min(3, wanted - items.length - 1));
      const jump: Item = { input: input(form, [{ kind: 'rel', target: 0, width: form.operands[0] === 'rel8' ? 8 : 32 }], cond), skip };
      joins.push({ at: items.length + 1 + skip, definedAtJump: new Set(defined), jump, jumpIndex: items.length });
      items.push(jump);
      continue;
    }
    const form = r.pick(PLAIN_FORMS);
    const cond = isConditionFamily(form) ? r.int(16) : undefined;
    const operands = form.operands.map((k) => operandFor(r, k, form));
    const item = { input: input(form, operands, cond) };
    if (!tryEncode(item.input, SANDBOX.code)) continue;
    const ins = decodeLike(item.input, 0, new Uint8Array());
    if (![...flagsRead(ins)].every((f) => defined.has(f))) continue;
    // shifts by cl: set cl first so the defined flags are known
    const clCount = form.operands[1] === 'cl' ? r.pick([0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 255, r.int(256)]) : undefined;
    applyFlagEffect(defined, ins, clCount);
    if (clCount === undefined) pushGroup([item]);
    else {
      const setCl = input(formNamed('mov', ['o8', 'imm8']), [{ kind: 'gpr', num: 1, width: 8 }, { kind: 'imm', value: BigInt.asIntN(8, BigInt(clCount)), width: 8 }]);
      pushGroup([{ input: setCl }, item]);
    }
  }
  land(Infinity);
  return { code: layOut(items), instructions: items.length, forms: items.map((item) => item.input.formId), definedFlags: [...'CPAZSO'].filter((f) => defined.has(f)).join('') };
}

/** Encodes the items at the sandbox address, resolving forward jump targets. */
function layOut(items: Item[]): Uint8Array {
  const addresses: number[] = [];
  let at = SANDBOX.code;
  const sizes = items.map((item) => {
    addresses.push(at);
    const probe = item.skip ? { ...item.input, operands: [{ kind: 'rel', target: at, width: (item.input.operands[0] as { width: number }).width }] as Operand[] } : item.input;
    const bytes = tryEncode(probe, at) as Uint8Array;
    at += bytes.length;
    return bytes.length;
  });
  addresses.push(at);
  const chunks = items.map((item, i) => {
    if (!item.skip) return tryEncode(item.input, addresses[i]) as Uint8Array;
    const target = addresses[Math.min(i + 1 + item.skip, items.length)];
    const operands = [{ kind: 'rel', target, width: (item.input.operands[0] as { width: number }).width }] as Operand[];
    const bytes = tryEncode({ ...item.input, operands }, addresses[i]) as Uint8Array;
    if (bytes.length !== sizes[i]) throw new Error('jump changed size');
    return bytes;
  });
  const code = new Uint8Array(at - SANDBOX.code);
  chunks.reduce((o, c) => (code.set(c, o), o + c.length), 0);
  return code;
}
