// Source generators for the stack and control-flow instructions: push, pop, jmp, jcc,
// call, ret, int3 and ud2. Control transfers end a block by returning the next rip;
// `call` also sets C.via = 1 so a trap can tell it was called. Stack writes happen
// before rsp changes, so a faulting push leaves rsp alone.
import type { Instruction, Operand } from '@tracesim/x86';
import { Emitter, IntValue } from './emit';
import { conditionSource } from './conditions';

type Gen = (e: Emitter, ins: Instruction) => void;

const RSP_LO = 'R[8]';
const RSP_HI = 'R[9]';

/** Emits rsp += delta (64-bit). */
function adjustRsp(e: Emitter, delta: number): void {
  e.line(`H.add64(${RSP_LO}, ${RSP_HI}, ${delta | 0}, ${delta < 0 ? -1 : 0}); ${RSP_LO} = H.T[0]; ${RSP_HI} = H.T[1];`);
}

function pushValue(e: Emitter, v: IntValue): void {
  e.faultPoint();
  e.line(`M.write64Halves(H.address(${RSP_LO}, ${RSP_HI}) - 8, ${v.lo}, ${v.hi});`);
  adjustRsp(e, -8);
}

function popValue(e: Emitter): IntValue {
  e.faultPoint();
  const a = e.temp(`H.address(${RSP_LO}, ${RSP_HI})`);
  const v = { lo: e.temp(`M.readI32(${a})`), hi: e.temp(`M.readI32(${a} + 4)`) };
  adjustRsp(e, 8);
  return v;
}

/** The target of a jmp/call operand as a JS number expression. */
function target(e: Emitter, op: Operand): string {
  if (op.kind === 'rel') return String(op.target);
  const v = e.read(e.place(op), 64);
  return e.temp(`H.address(${v.lo}, ${v.hi})`);
}

const push: Gen = (e, ins) => {
  const op = ins.operands[0];
  const v = e.read(e.place(op), 64);
  pushValue(e, v);
};

const pop: Gen = (e, ins) => {
  const v = popValue(e);
  e.write(e.place(ins.operands[0]), 64, v);
  e.rspMayHaveRisen();
};

const jmp: Gen = (e, ins) => {
  e.line(`return ${target(e, ins.operands[0])};`);
};

const jcc: Gen = (e, ins) => {
  e.line(`return (${conditionSource(ins.cond as number)}) ? ${target(e, ins.operands[0])} : ${e.next};`);
};

const call: Gen = (e, ins) => {
  const to = target(e, ins.operands[0]);
  const next = BigInt(e.next);
  pushValue(e, { lo: String(Number(next & 0xffffffffn) | 0), hi: String(Number(next >> 32n) | 0) });
  e.line(`C.via = 1;`);
  e.line(`return ${to};`);
};

const ret: Gen = (e) => {
  const v = popValue(e);
  e.rspMayHaveRisen();
  e.line(`return H.address(${v.lo}, ${v.hi});`);
};

const int3: Gen = (e) => {
  e.faultPoint();
  e.line(`H.breakpoint();`);
};

const ud2: Gen = (e) => {
  e.faultPoint();
  e.line(`H.undefinedInstruction();`);
};

export const CONTROL_SEMANTICS: Readonly<Record<string, Gen>> = { push, pop, jmp, jcc, call, ret, int3, ud2 };

/** Mnemonics (families) after which a block ends. */
export const ENDS_BLOCK: ReadonlySet<string> = new Set(['jmp', 'jcc', 'call', 'ret', 'int3', 'ud2']);
