// Source generators for the SSE instructions: scalar double arithmetic with x86 NaN
// propagation, compares into flags, conversions (with MXCSR rounding for cvtsd2si and
// roundsd), moves between xmm, GPRs and memory, and 128-bit bitwise operations.
// Moves copy raw dwords (never through a JS double) so NaN payloads survive.
import type { Instruction, Operand } from '@tracesim/x86';
import { Emitter, Place, widthOf } from './emit';

type Gen = (e: Emitter, ins: Instruction) => void;

const xmmNum = (op: Operand): number => {
  if (op.kind !== 'xmm') throw new Error('expected an xmm operand');
  return op.num;
};

/** Source expressions for the two low dwords (the raw bits of a double) of an xmm/m64 place. */
function quadBits(p: Place): [string, string] {
  if (p.op.kind === 'xmm') return [`X[${4 * p.op.num}]`, `X[${4 * p.op.num + 1}]`];
  return [`M.readI32(${p.addr})`, `M.readI32(${p.addr} + 4)`];
}

/** The double in an xmm/m64 place, read into a temporary. */
function readDouble(e: Emitter, p: Place): string {
  return e.temp(p.op.kind === 'xmm' ? `XD[${2 * p.op.num}]` : `M.readF64(${p.addr})`);
}

/** Checks that a 128-bit legacy-SSE memory operand is 16-byte aligned (#GP otherwise). */
function aligned(e: Emitter, p: Place): void {
  if (p.addr) e.line(`if (${p.addr} % 16 !== 0) H.misaligned(${p.addr});`);
}

function dwords128(e: Emitter, p: Place): string[] {
  if (p.op.kind === 'xmm') return [0, 1, 2, 3].map((i) => e.temp(`X[${4 * (p.op as { num: number }).num + i}]`));
  aligned(e, p);
  return [0, 4, 8, 12].map((o) => e.temp(`M.readI32(${p.addr} + ${o})`));
}

/** addsd/subsd/mulsd/divsd: dst.lo = dst.lo op src; NaN results follow the SSE rules. */
function arithmetic(op: '+' | '-' | '*' | '/'): Gen {
  return (e, ins) => {
    const d = xmmNum(ins.operands[0]);
    const s = e.place(ins.operands[1]);
    const b = readDouble(e, s);
    const r = e.temp(`XD[${2 * d}] ${op} ${b}`);
    const [bl, bh] = quadBits(s);
    e.line(`if (${r} !== ${r}) { H.nanResult64(X[${4 * d}], X[${4 * d + 1}], ${bl}, ${bh}); X[${4 * d}] = H.T[0]; X[${4 * d + 1}] = H.T[1]; }`);
    e.line(`else XD[${2 * d}] = ${r};`);
  };
}

/** minsd/maxsd: keep dst when it compares strictly less/greater, else take src (NaNs, ±0). */
function minMax(keepIf: '<' | '>'): Gen {
  return (e, ins) => {
    const d = xmmNum(ins.operands[0]);
    const s = e.place(ins.operands[1]);
    const b = readDouble(e, s);
    const [bl, bh] = quadBits(s);
    const lo = e.temp(bl);
    const hi = e.temp(bh);
    e.line(`if (!(XD[${2 * d}] ${keepIf} ${b})) { X[${4 * d}] = ${lo}; X[${4 * d + 1}] = ${hi}; }`);
  };
}

const sqrtsd: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const s = e.place(ins.operands[1]);
  const [bl, bh] = quadBits(s);
  const lo = e.temp(bl);
  const hi = e.temp(bh);
  const r = e.temp(`Math.sqrt(${readDouble(e, s)})`);
  e.line(`if (${r} !== ${r}) { H.nanResult64(${lo}, ${hi}, 0, 0); X[${4 * d}] = H.T[0]; X[${4 * d + 1}] = H.T[1]; }`);
  e.line(`else XD[${2 * d}] = ${r};`);
};

/** ucomisd/comisd: ZF PF CF = 111 unordered, 000 greater, 001 less, 100 equal; OF SF AF = 0. */
const compare: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const a = e.temp(`XD[${2 * d}]`);
  const b = readDouble(e, e.place(ins.operands[1]));
  const unordered = e.temp(`${a} !== ${a} || ${b} !== ${b}`);
  e.flags({
    ZF: `${unordered} || ${a} === ${b}`,
    PF: unordered,
    CF: `${unordered} || ${a} < ${b}`,
    OF: '0', SF: '0', AF: '0',
  });
};

const cvtsi2sd: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const w = widthOf(ins.operands[1]);
  const v = e.read(e.place(ins.operands[1]), w);
  e.line(`XD[${2 * d}] = ${w === 64 ? `${v.hi} * 4294967296 + (${v.lo} >>> 0)` : v.lo};`);
};

/** cvttsd2si (truncate) and cvtsd2si (MXCSR rounding); out of range or NaN gives the integer indefinite. */
function toInteger(truncate: boolean): Gen {
  return (e, ins) => {
    const dst = ins.operands[0];
    const w = widthOf(dst);
    const x = readDouble(e, e.place(ins.operands[1]));
    e.line(`H.doubleToInt(${x}, ${w}, ${truncate ? 3 : '(C.state.mxcsr >> 13) & 3'});`);
    e.write({ op: dst }, w, { lo: e.temp('H.T[0]'), hi: w === 64 ? e.temp('H.T[1]') : '0' });
  };
}

const cvtss2sd: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const s = e.place(ins.operands[1]);
  const bits = e.temp(s.op.kind === 'xmm' ? `X[${4 * s.op.num}]` : `M.readI32(${s.addr})`);
  e.line(`H.floatBitsToDouble(${bits}); X[${4 * d}] = H.T[0]; X[${4 * d + 1}] = H.T[1];`);
};

const cvtsd2ss: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const [lo, hi] = quadBits(e.place(ins.operands[1]));
  const bits = e.temp(`H.doubleToFloatBits(${lo}, ${hi})`);
  e.line(`X[${4 * d}] = ${bits};`);
};

const roundsd: Gen = (e, ins) => {
  const d = xmmNum(ins.operands[0]);
  const [lo, hi] = quadBits(e.place(ins.operands[1]));
  const imm = Number((ins.operands[2] as { value: bigint }).value);
  const mode = imm & 4 ? '(C.state.mxcsr >> 13) & 3' : String(imm & 3);
  e.line(`H.roundsd(${lo}, ${hi}, ${mode}); X[${4 * d}] = H.T[0]; X[${4 * d + 1}] = H.T[1];`);
};

/** 128-bit bitwise ops (xorps, andpd, pxor, ...). */
function bitwise(op: '&' | '|' | '^'): Gen {
  return (e, ins) => {
    const d = xmmNum(ins.operands[0]);
    const src = dwords128(e, e.place(ins.operands[1]));
    src.forEach((v, i) => e.line(`X[${4 * d + i}] ${op}= ${v};`));
  };
}

// ---- moves -----------------------------------------------------------------------------

/** movsd/movss/movq/movd between xmm and xmm or memory: `dwords` low dwords move. */
function scalarMove(dwords: 1 | 2, zeroUpperFromXmm: boolean): Gen {
  return (e, ins) => {
    const [dst, src] = ins.operands;
    const s = e.place(src);
    const d = e.place(dst);
    const values = [0, 1].slice(0, dwords).map((i) =>
      e.temp(s.op.kind === 'xmm' ? `X[${4 * s.op.num + i}]` : s.op.kind === 'gpr' ? `R[${2 * s.op.num + i}]` : `M.readI32(${s.addr} + ${4 * i})`),
    );
    if (d.op.kind === 'mem') {
      e.line(dwords === 2 ? `M.write64Halves(${d.addr}, ${values[0]}, ${values[1]});` : `M.write32(${d.addr}, ${values[0]});`);
      return;
    }
    if (d.op.kind === 'gpr') {
      e.write(d, dwords === 2 ? 64 : 32, { lo: values[0], hi: values[1] ?? '0' });
      return;
    }
    const n = xmmNum(d.op);
    values.forEach((v, i) => e.line(`X[${4 * n + i}] = ${v};`));
    if (s.op.kind !== 'xmm' || zeroUpperFromXmm) for (let i = dwords; i < 4; i++) e.line(`X[${4 * n + i}] = 0;`);
  };
}

/** movaps/movapd: 128-bit moves; memory operands must be 16-byte aligned. */
const move128: Gen = (e, ins) => {
  const [dst, src] = ins.operands;
  const s = e.place(src);
  const d = e.place(dst);
  const values = dwords128(e, s);
  if (d.op.kind === 'mem') {
    aligned(e, d);
    e.line(`M.write64Halves(${d.addr}, ${values[0]}, ${values[1]}); M.write64Halves(${d.addr} + 8, ${values[2]}, ${values[3]});`);
  } else values.forEach((v, i) => e.line(`X[${4 * xmmNum(d.op) + i}] = ${v};`));
};

export const SSE_SEMANTICS: Readonly<Record<string, Gen>> = {
  addsd: arithmetic('+'), subsd: arithmetic('-'), mulsd: arithmetic('*'), divsd: arithmetic('/'),
  minsd: minMax('<'), maxsd: minMax('>'), sqrtsd,
  ucomisd: compare, comisd: compare,
  cvtsi2sd, cvttsd2si: toInteger(true), cvtsd2si: toInteger(false), cvtss2sd, cvtsd2ss, roundsd,
  xorps: bitwise('^'), xorpd: bitwise('^'), pxor: bitwise('^'), andps: bitwise('&'), andpd: bitwise('&'), orps: bitwise('|'),
  movsd: scalarMove(2, false), movss: scalarMove(1, false), movq: scalarMove(2, true), movd: scalarMove(1, true),
  movaps: move128, movapd: move128,
};
