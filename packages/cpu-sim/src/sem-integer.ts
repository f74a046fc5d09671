// Source generators for the integer instructions: add/sub families, logic, inc/dec/neg/not,
// shifts and rotates, multiply and divide, moves and sign extensions, xchg, bswap, cmov and
// setcc. Each writes its result before its flags so a faulting store leaves flags alone.
import type { Instruction, Operand } from '@tracesim/x86';
import { Emitter, IntValue, MASK, SIGN, Width, immediate, widthOf } from './emit';
import { conditionSource } from './conditions';
import type { FlagName } from './state';

type Gen = (e: Emitter, ins: Instruction) => void;

const U32 = 4294967295;

/** Unsigned view of a lo half (int32 for width >= 32, already unsigned below). */
const unsigned = (x: string, w: Width) => (w >= 32 ? `(${x} >>> 0)` : x);
const wrap = (x: string, w: Width) => (w >= 32 ? `${x} | 0` : `${x} & ${MASK[w]}`);
const topMax = (w: Width) => (w >= 32 ? U32 : MASK[w]);

/** a + b + carryIn (adding) or a - b - carryIn (subtracting); emits flags OF SF ZF AF PF (+CF unless `keepCarry`). */
/** A computed result and the source of each flag it defines (stored after the result is written). */
interface Computed {
  readonly r: IntValue;
  readonly flags: Partial<Record<FlagName, string>>;
}

function addSub(e: Emitter, w: Width, a: IntValue, b: IntValue, carryIn: string, subtract: boolean, keepCarry = false): Computed {
  const op = subtract ? '-' : '+';
  let r: IntValue;
  let carryOut: string;
  let aTop: string, bTop: string, rTop: string;
  if (w === 64) {
    const t0 = e.temp(`(${a.lo} >>> 0) ${op} (${b.lo} >>> 0) ${op} ${carryIn}`);
    const rl = e.temp(`${t0} | 0`);
    const inner = subtract ? `(${t0} < 0 ? 1 : 0)` : `(${t0} > ${U32} ? 1 : 0)`;
    const t1 = e.temp(`(${a.hi} >>> 0) ${op} (${b.hi} >>> 0) ${op} ${inner}`);
    const rh = e.temp(`${t1} | 0`);
    r = { lo: rl, hi: rh };
    carryOut = subtract ? `${t1} < 0` : `${t1} > ${U32}`;
    aTop = a.hi; bTop = b.hi; rTop = rh;
  } else {
    const t = e.temp(`${unsigned(a.lo, w)} ${op} ${unsigned(b.lo, w)} ${op} ${carryIn}`);
    const rl = e.temp(wrap(t, w));
    r = { lo: rl, hi: '0' };
    carryOut = subtract ? `${t} < 0` : `${t} > ${topMax(w)}`;
    aTop = a.lo; bTop = b.lo; rTop = rl;
  }
  const overflow = subtract ? `(${aTop} ^ ${bTop}) & (${aTop} ^ ${rTop})` : `(${aTop} ^ ${rTop}) & (${bTop} ^ ${rTop})`;
  const flags = {
    OF: w >= 32 ? `(${overflow}) < 0` : `((${overflow}) & ${SIGN[w]}) !== 0`,
    AF: `((${a.lo} ^ ${b.lo} ^ ${r.lo}) & 16) !== 0`,
    ...e.resultFlags(w, r),
  };
  return { r, flags: keepCarry ? flags : { ...flags, CF: carryOut } };
}

function logic(e: Emitter, w: Width, a: IntValue, b: IntValue, op: '&' | '|' | '^'): Computed {
  const r = { lo: e.temp(`${a.lo} ${op} ${b.lo}`), hi: w === 64 ? e.temp(`${a.hi} ${op} ${b.hi}`) : '0' };
  return { r, flags: { CF: '0', OF: '0', ...e.resultFlags(w, r) } };
}

/** Two-operand ALU forms: dst op= src (cmp and test only set flags). */
function binary(compute: (e: Emitter, w: Width, a: IntValue, b: IntValue) => Computed, writeBack: boolean): Gen {
  return (e, ins) => {
    const [dst, src] = ins.operands;
    const w = widthOf(dst);
    const d = e.place(dst);
    const s = e.place(src);
    const { r, flags } = compute(e, w, e.read(d, w), e.read(s, w));
    if (writeBack) e.write(d, w, r);
    e.flags(flags);
  };
}

const ONE: IntValue = { lo: '1', hi: '0' };
const ZERO: IntValue = { lo: '0', hi: '0' };

function unary(compute: (e: Emitter, w: Width, a: IntValue) => Computed): Gen {
  return (e, ins) => {
    const w = widthOf(ins.operands[0]);
    const d = e.place(ins.operands[0]);
    const { r, flags } = compute(e, w, e.read(d, w));
    e.write(d, w, r);
    e.flags(flags);
  };
}

function not(e: Emitter, w: Width, a: IntValue): Computed {
  return { r: { lo: e.temp(w >= 32 ? `~${a.lo}` : `~${a.lo} & ${MASK[w]}`), hi: w === 64 ? e.temp(`~${a.hi}`) : '0' }, flags: {} };
}

// ---- shifts and rotates ----------------------------------------------------------------

function shiftGen(kind: 'shl' | 'shr' | 'sar' | 'rol' | 'ror'): Gen {
  return (e, ins) => {
    const [dst, countOp] = ins.operands;
    const w = widthOf(dst);
    const countMask = w === 64 ? 63 : 31;
    const d = e.place(dst);
    const a = e.read(d, w);
    const count = countOp.kind === 'imm' ? String(Number(countOp.value) & countMask) : e.temp(`R[2] & ${countMask}`);
    if (count === '0') {
      if (w === 32 && dst.kind === 'gpr') e.write(d, w, a); // still zero-extends
      return;
    }
    const conditional = countOp.kind !== 'imm';
    const inline = conditional ? undefined : constantShift(e, kind, w, a, Number(count));
    if (inline) {
      e.write(d, w, inline.r);
      e.flags({ CF: inline.cf, OF: inline.of, ...e.resultFlags(w, inline.r) });
      return;
    }
    if (conditional) e.line(`if (${count} !== 0) {`);
    e.line(`H.shift('${kind}', ${w}, ${a.lo}, ${a.hi}, ${count});`);
    const r = { lo: e.temp('H.T[0]'), hi: w === 64 ? e.temp('H.T[1]') : '0' };
    e.write(d, w, r);
    const rotate = kind === 'rol' || kind === 'ror';
    e.flags({ CF: 'H.T[2]', OF: 'H.T[3]', ...(rotate ? {} : e.resultFlags(w, r)) });
    if (conditional) {
      e.line('}');
      if (w === 32 && dst.kind === 'gpr') e.line(`else R[${2 * dst.num + 1}] = 0;`);
    }
  };
}

/** shl/shr/sar of a 32- or 64-bit value by a constant 1..63, inline: result, CF and OF sources. */
function constantShift(e: Emitter, kind: string, w: Width, a: IntValue, c: number): { r: IntValue; cf: string; of: string } | undefined {
  if (w === 32) {
    const op = { shl: '<<', shr: '>>>', sar: '>>' }[kind];
    if (!op) return undefined;
    const r = { lo: e.temp(`(${a.lo} ${op} ${c}) | 0`), hi: '0' };
    const cf = kind === 'shl' ? `(${a.lo} >>> ${32 - c}) & 1` : `(${a.lo} >>> ${c - 1}) & 1`;
    const of = kind === 'shl' ? `(${r.lo} >>> 31) ^ ((${a.lo} >>> ${32 - c}) & 1)` : kind === 'shr' ? `${a.lo} >>> 31` : '0';
    return { r, cf, of };
  }
  if (w !== 64) return undefined;
  const { lo, hi } = a;
  let r: IntValue;
  let cf: string;
  if (kind === 'shl') {
    if (c < 32) r = { lo: e.temp(`${lo} << ${c}`), hi: e.temp(`(${hi} << ${c}) | (${lo} >>> ${32 - c})`) };
    else r = { lo: '0', hi: e.temp(`${lo} << ${c - 32}`) };
    cf = c <= 32 ? `(${hi} >>> ${32 - c}) & 1` : `(${lo} >>> ${64 - c}) & 1`;
    return { r, cf, of: `(${r.hi} >>> 31) ^ (${cf})` };
  }
  const fill = kind === 'sar' ? `${hi} >> 31` : '0';
  const highShift = kind === 'sar' ? '>>' : '>>>';
  if (kind !== 'shr' && kind !== 'sar') return undefined;
  if (c < 32) r = { lo: e.temp(`(${lo} >>> ${c}) | (${hi} << ${32 - c})`), hi: e.temp(`${hi} ${highShift} ${c}`) };
  else r = { lo: e.temp(`${hi} ${highShift} ${c - 32}`), hi: e.temp(fill) };
  cf = c <= 32 ? `(${lo} >>> ${c - 1}) & 1` : `(${hi} >>> ${c - 33}) & 1`;
  return { r, cf, of: kind === 'shr' ? `${hi} >>> 31` : '0' };
}

const rorx: Gen = (e, ins) => {
  const [dst, src, countOp] = ins.operands;
  const w = widthOf(dst);
  const c = Number((countOp as { value: bigint }).value) & (w === 64 ? 63 : 31);
  const a = e.read(e.place(src), w);
  if (w === 64) {
    e.line(`H.ror64(${a.lo}, ${a.hi}, ${c});`);
    e.write(e.place(dst), w, { lo: e.temp('H.T[0]'), hi: e.temp('H.T[1]') });
  } else {
    e.write(e.place(dst), w, { lo: c === 0 ? a.lo : e.temp(`(${a.lo} >>> ${c}) | (${a.lo} << ${32 - c})`), hi: '0' });
  }
};

// ---- multiply and divide -----------------------------------------------------------------

/** imul r, r/m [, imm]: the low half of the signed product; CF = OF = it did not fit. */
const imulTruncating: Gen = (e, ins) => {
  const [dst, src1, src2] = ins.operands;
  const w = widthOf(dst);
  const a = e.read(e.place(src2 ? src1 : dst), w);
  const b = e.read(src2 ? { op: src2 } : e.place(src1), w);
  let r: IntValue;
  let overflow: string;
  if (w === 64) {
    e.line(`H.mulLow64(${a.lo}, ${a.hi}, ${b.lo}, ${b.hi});`);
    r = { lo: e.temp('H.T[0]'), hi: e.temp('H.T[1]') };
    overflow = `H.imulOverflows64(${a.lo}, ${a.hi}, ${b.lo}, ${b.hi})`;
  } else if (w === 32) {
    r = { lo: e.temp(`Math.imul(${a.lo}, ${b.lo})`), hi: '0' };
    overflow = `${r.lo} !== ${a.lo} * ${b.lo}`;
  } else {
    const p = e.temp(`((${a.lo} << 16) >> 16) * ((${b.lo} << 16) >> 16)`);
    r = { lo: e.temp(`${p} & 65535`), hi: '0' };
    overflow = `${p} !== ((${r.lo} << 16) >> 16)`;
  }
  e.write(e.place(dst), w, r);
  e.flags({ CF: overflow, OF: overflow });
};

/** The accumulator pair of one-operand mul/imul/div/idiv at width w: [low, high] registers. */
const accumulator = (w: Width): [Operand, Operand] =>
  w === 8
    ? [{ kind: 'gpr', num: 0, width: 8 }, { kind: 'gpr', num: 4, width: 8, high8: true }]
    : [{ kind: 'gpr', num: 0, width: w }, { kind: 'gpr', num: 2, width: w }];

function widening(signed: boolean): Gen {
  return (e, ins) => {
    const w = widthOf(ins.operands[0]);
    const s = e.read(e.place(ins.operands[0]), w);
    const [low, high] = accumulator(w);
    const acc = e.read({ op: low }, w);
    const overflow = e.temp(`H.widen(${signed}, ${w}, ${acc.lo}, ${acc.hi}, ${s.lo}, ${s.hi})`);
    const lo = { lo: e.temp('H.T[0]'), hi: e.temp('H.T[1]') };
    const hi = { lo: e.temp('H.T[2]'), hi: e.temp('H.T[3]') };
    if (w === 8) {
      e.write({ op: { kind: 'gpr', num: 0, width: 16 } }, 16, { lo: e.temp(`(${hi.lo} << 8) | ${lo.lo}`), hi: '0' });
    } else {
      e.write({ op: low }, w, lo);
      e.write({ op: high }, w, hi);
    }
    e.flags({ CF: overflow, OF: overflow });
  };
}

function division(signed: boolean): Gen {
  return (e, ins) => {
    const w = widthOf(ins.operands[0]);
    const d = e.read(e.place(ins.operands[0]), w);
    e.faultPoint();
    if (w === 8) {
      const ax = e.read({ op: { kind: 'gpr', num: 0, width: 16 } }, 16);
      e.line(`H.divide(${signed}, 8, ${ax.lo} & 255, 0, ${ax.lo} >> 8, 0, ${d.lo}, 0);`);
      e.write({ op: { kind: 'gpr', num: 0, width: 16 } }, 16, { lo: e.temp('((H.T[2] & 255) << 8) | (H.T[0] & 255)'), hi: '0' });
      return;
    }
    const [low, high] = accumulator(w);
    const a = e.read({ op: low }, w);
    const b = e.read({ op: high }, w);
    e.line(`H.divide(${signed}, ${w}, ${a.lo}, ${a.hi}, ${b.lo}, ${b.hi}, ${d.lo}, ${d.hi});`);
    const q = { lo: e.temp('H.T[0]'), hi: e.temp('H.T[1]') };
    const r = { lo: e.temp('H.T[2]'), hi: e.temp('H.T[3]') };
    e.write({ op: low }, w, q);
    e.write({ op: high }, w, r);
  };
}

// ---- moves -----------------------------------------------------------------------------

const mov: Gen = (e, ins) => {
  const [dst, src] = ins.operands;
  const w = widthOf(dst);
  const s = e.place(src);
  const d = e.place(dst);
  e.write(d, w, e.read(s, w));
};

function extend(signed: boolean): Gen {
  return (e, ins) => {
    const [dst, src] = ins.operands;
    const w = widthOf(dst);
    const sw = widthOf(src);
    const v = e.read(e.place(src), sw);
    let r: IntValue;
    if (!signed) r = { lo: v.lo, hi: '0' };
    else {
      const lo = sw === 32 ? v.lo : e.temp(`(${v.lo} << ${32 - sw}) >> ${32 - sw}`);
      r = { lo: w === 16 ? e.temp(`${lo} & 65535`) : lo, hi: w === 64 ? e.temp(`${lo} >> 31`) : '0' };
    }
    e.write(e.place(dst), w, r);
  };
}

const lea: Gen = (e, ins) => {
  const [dst, src] = ins.operands;
  if (src.kind !== 'mem') throw new Error('lea needs a memory operand');
  const w = widthOf(dst);
  let acc: IntValue = immediate(BigInt(src.base === 'rip' ? e.next + src.disp : src.disp), 64);
  const addReg = (num: number, scale: number) => {
    let lo = `R[${2 * num}]`;
    let hi = `R[${2 * num + 1}]`;
    if (scale > 1) {
      e.line(`H.shl64(${lo}, ${hi}, ${Math.log2(scale)});`);
      lo = e.temp('H.T[0]');
      hi = e.temp('H.T[1]');
    }
    e.line(`H.add64(${acc.lo}, ${acc.hi}, ${lo}, ${hi});`);
    acc = { lo: e.temp('H.T[0]'), hi: e.temp('H.T[1]') };
  };
  if (src.base !== undefined && src.base !== 'rip') addReg(src.base, 1);
  if (src.index !== undefined) addReg(src.index, src.scale);
  const r = w === 64 ? acc : { lo: w === 32 ? acc.lo : e.temp(`${acc.lo} & 65535`), hi: '0' };
  e.write({ op: dst }, w, r);
};

const xchg: Gen = (e, ins) => {
  const [a, b] = ins.operands;
  const w = widthOf(a);
  const pa = e.place(a);
  const pb = e.place(b);
  const va = e.read(pa, w);
  const vb = e.read(pb, w);
  const [first, second] = pa.addr ? [pa, pb] : [pb, pa]; // the memory write goes first
  e.write(first, w, first === pa ? vb : va);
  e.write(second, w, second === pa ? vb : va);
};

const bswap: Gen = (e, ins) => {
  const w = widthOf(ins.operands[0]);
  const p = e.place(ins.operands[0]);
  const v = e.read(p, w);
  const swap = (x: string) => `((${x} << 24) | ((${x} << 8) & 0xff0000) | ((${x} >>> 8) & 0xff00) | (${x} >>> 24))`;
  const r = w === 64 ? { lo: e.temp(swap(v.hi)), hi: e.temp(swap(v.lo)) } : { lo: e.temp(swap(v.lo)), hi: '0' };
  e.write(p, w, r);
};

/** cdq / cqo: sign-extend the accumulator into rdx/edx. */
function signIntoRdx(w: 32 | 64): Gen {
  return (e) => {
    const top = w === 64 ? 'R[1]' : 'R[0]';
    const s = e.temp(`${top} >> 31`);
    e.write({ op: { kind: 'gpr', num: 2, width: w } }, w, { lo: s, hi: s });
  };
}

const cmov: Gen = (e, ins) => {
  const [dst, src] = ins.operands;
  const w = widthOf(dst);
  const v = e.read(e.place(src), w);
  e.line(`if (${conditionSource(ins.cond as number)}) {`);
  e.write({ op: dst }, w, v);
  e.line('}');
  if (w === 32 && dst.kind === 'gpr') e.line(`else R[${2 * dst.num + 1}] = 0;`);
};

const setcc: Gen = (e, ins) => {
  const p = e.place(ins.operands[0]);
  e.write(p, 8, { lo: e.temp(`(${conditionSource(ins.cond as number)}) ? 1 : 0`), hi: '0' });
};

const nothing: Gen = () => undefined;

export const INTEGER_SEMANTICS: Readonly<Record<string, Gen>> = {
  add: binary((e, w, a, b) => addSub(e, w, a, b, '0', false), true),
  adc: binary((e, w, a, b) => addSub(e, w, a, b, 'F[0]', false), true),
  sub: binary((e, w, a, b) => addSub(e, w, a, b, '0', true), true),
  sbb: binary((e, w, a, b) => addSub(e, w, a, b, 'F[0]', true), true),
  cmp: binary((e, w, a, b) => addSub(e, w, a, b, '0', true), false),
  and: binary((e, w, a, b) => logic(e, w, a, b, '&'), true),
  or: binary((e, w, a, b) => logic(e, w, a, b, '|'), true),
  xor: binary((e, w, a, b) => logic(e, w, a, b, '^'), true),
  test: binary((e, w, a, b) => logic(e, w, a, b, '&'), false),
  inc: unary((e, w, a) => addSub(e, w, a, ONE, '0', false, true)),
  dec: unary((e, w, a) => addSub(e, w, a, ONE, '0', true, true)),
  neg: unary((e, w, a) => addSub(e, w, ZERO, a, '0', true)),
  not: unary(not),
  shl: shiftGen('shl'), shr: shiftGen('shr'), sar: shiftGen('sar'),
  rol: shiftGen('rol'), ror: shiftGen('ror'),
  rorx,
  imul: (e, ins) => (ins.operands.length === 1 ? widening(true)(e, ins) : imulTruncating(e, ins)),
  mul: widening(false),
  div: division(false),
  idiv: division(true),
  mov, movabs: mov,
  movzx: extend(false), movsx: extend(true), movsxd: extend(true),
  lea, xchg, bswap,
  cdq: signIntoRdx(32), cqo: signIntoRdx(64),
  cmovcc: cmov, setcc,
  nop: nothing,
};
