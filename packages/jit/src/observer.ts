// What the tracing JIT reports while it works, for -jdump and other tools: each trace start,
// each bytecode recorded, each finished (assembled) trace, each abort and each exit taken with
// the machine registers at that exit. Every callback is optional.
import type { AssembledTrace } from '@tracesim/asm';
import type { TraceStart } from '@tracesim/ir';
import type { Proto } from '@tracesim/lua';

export interface TraceStartEvent {
  readonly number: number;
  readonly start: TraceStart;
  /** `chunk:line` of the start (a stitched trace: of the call it continues). */
  readonly location: string;
}

/** A bytecode recorded, or a builtin (fast function) entered by a recorded call (dump.lua's FUNCC line). */
export type RecordEvent =
  | {
    readonly kind: 'bytecode';
    readonly proto: Proto;
    readonly pc: number;
    /** The instruction recorded (a RET-rooted JLOOP's original return, not the JLOOP). */
    readonly ins: number;
    /** Inlined frames above the start frame. */
    readonly depth: number;
  }
  | { readonly kind: 'builtin'; readonly name: string; readonly depth: number };

export interface TraceAbortEvent {
  readonly number: number;
  /** `chunk:line` where recording gave up. */
  readonly location: string;
  readonly reason: string;
}

export interface TraceExitEvent {
  readonly trace: number;
  readonly exit: number;
  /** rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8-r15 at the exit; rsp as it was before the exit stub's pushes. */
  readonly gpr: readonly bigint[];
  /** xmm0-15 (low 64 bits) as numbers. */
  readonly fpr: readonly number[];
}

export interface JitObserver {
  traceStart?(e: TraceStartEvent): void;
  record?(e: RecordEvent): void;
  /** `strings` gives the text of a string constant of the trace by its TValue bits (its IR constant is those bits). */
  traceStop?(t: AssembledTrace, strings: (bits: bigint) => string | undefined): void;
  traceAbort?(e: TraceAbortEvent): void;
  traceExit?(e: TraceExitEvent): void;
}
