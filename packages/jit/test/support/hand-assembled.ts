// Hand-written machine code for small trace sets, wrapped into the backend's AssembledSet
// contract: heads, tails, exit stubs and exit patching come from @tracesim/asm, the bodies are
// Intel-syntax text assembled by @tracesim/x86. Lets the engine be tested without the backend.
import {
  exitBranches, exitStubAddress, exitStubGroup, patchExit, traceHead, traceTail, type AssembledSet, type AssembledTrace, type ExitSlot, type TailTarget,
} from '@tracesim/asm';
import { findTrace, type TraceSet } from '@tracesim/ir';
import { REGIONS, trapAddress } from '@tracesim/machine';
import { assemble, decodeAll, formatInstruction } from '@tracesim/x86';

export const STUBS_AT = REGIONS.mcode.base;
const TRACE_SPACING = 0x100;

/** Address of exit stub N (one group at the start of the mcode area). */
export const stub = (exit: number): number => exitStubAddress([STUBS_AT], exit);

export interface HandTrace {
  readonly number: number;
  readonly spadjust: number;
  /** How far the head lowers rsp (spadjust for a root, spadjust - parent's for a side trace). */
  readonly spdelta: number;
  /** Body between head and tail; `{stub N}` is replaced by exit stub N's address. */
  readonly body: string;
  /** Where the tail jumps: a trace number or the interpreter. */
  readonly tail: number | 'interpreter';
  readonly exitMaps: readonly (readonly ExitSlot[])[];
}

/** Slot `slot` of type num/int held in a register (0-15 GPRs, 16-31 xmm) at an exit. */
export const inReg = (slot: number, type: 'num' | 'int', reg: number): ExitSlot => ({ slot, ref: 0x8001, type, flags: 0, home: { kind: 'reg', reg } });

export function handAssemble(set: TraceSet, specs: readonly HandTrace[]): AssembledSet {
  const addressOf = new Map(specs.map((s, i) => [s.number, STUBS_AT + TRACE_SPACING * (i + 1)]));
  const stubs = exitStubGroup(0, STUBS_AT, trapAddress('exit_handler'));
  const code = new Map<number, Uint8Array>();
  for (const spec of specs) {
    const at = addressOf.get(spec.number) as number;
    const head = traceHead(spec.number, spec.spdelta, at);
    const bodyText = spec.body.replace(/\{stub (\d+)\}/g, (_m, n) => '0x' + stub(Number(n)).toString(16));
    const body = assemble(bodyText, { address: at + head.bytes.length, long: true });
    const target: TailTarget = spec.tail === 'interpreter'
      ? { kind: 'exit_interp' }
      : { kind: 'trace', number: spec.tail, address: addressOf.get(spec.tail) as number };
    const tail = traceTail(spec.spadjust, target, at + head.bytes.length + body.bytes.length);
    const bytes = new Uint8Array([...head.bytes, ...body.bytes, ...tail.bytes]);
    code.set(spec.number, bytes);
  }
  for (const t of set.traces) {
    if (t.start.kind !== 'side' || !addressOf.has(t.number)) continue;
    const parent = t.start.parent;
    patchExit(code.get(parent) as Uint8Array, addressOf.get(parent) as number, stub(t.start.exit), addressOf.get(t.number) as number, parent);
  }
  const traces: AssembledTrace[] = specs.map((spec) => {
    const address = addressOf.get(spec.number) as number;
    const bytes = code.get(spec.number) as Uint8Array;
    const trace = findTrace(set, spec.number);
    if (!trace) throw new Error(`trace ${spec.number} is not in the set`);
    const listing = decodeAll(bytes, address).map((ins) => `${ins.address.toString(16)}  ${formatInstruction(ins)}`);
    return {
      trace: { ...trace, spadjust: spec.spadjust }, address, bytes, spadjust: spec.spadjust, spdelta: spec.spdelta, exitMaps: spec.exitMaps,
      // Hand-written code makes no helper calls, so no unwind ever asks where a snapshot begins.
      snapOffsets: trace.snapshots.map(() => 0),
      exitBranches: exitBranches(bytes, address, spec.number),
      listing,
      // Hand-written code belongs to no IR instruction.
      listingRefs: listing.map(() => null),
    };
  });
  return {
    traces,
    stubGroups: [stubs],
    chunks: [{ address: STUBS_AT, bytes: stubs.bytes }, ...traces.map((t) => ({ address: t.address, bytes: t.bytes }))],
  };
}
