// Where the recorder stops a trace and with which link kind (lj_record.c: lj_record_stop,
// rec_loop_interp, rec_loop_jit, the JFORI case, check_call_unroll, rec_func_jit,
// lj_record_tailcall, lj_record_ret with check_downrec_unroll; recff_nyi in lj_ffrecord.c), as
// pure functions of a small description of the recorder's state. Each returns a stop with its
// link, an abort reason, or `continue` with the counters the recorder must carry on with.
// The down-recursion policy changes exactly one rule: who may run check_downrec_unroll.
import type { LinkKind, TraceLink, TraceStart } from '@tracesim/ir';
import type { JitParams, OpName } from '@tracesim/lua';
import type { AbortReason } from './abort-reasons';
import type { JitRandom } from './jit-random';

/** `fixed`: LuaJIT after cae36118, only traces with cur.root == 0 (roots, stitched traces) check
 * down-recursion. `luajit-2022`: 2.1.0-beta3, side traces check it too (LuaJIT #1169). */
export const LINK_POLICIES = ['fixed', 'luajit-2022'] as const;
export type LinkPolicy = (typeof LINK_POLICIES)[number];

/** The recorder's state at the instruction being decided on. */
export interface RecordingState {
  /** cur.traceno: the target of every self-link. */
  readonly traceNo: number;
  /** root: J->parent == 0 and J->exitno == 0 (hot counter or DOWNREC restart); side; stitch. */
  readonly start: TraceStart;
  /** cur.root: the root trace of a side trace's chain; 0 for root and stitched traces. */
  readonly root: number;
  /** Opcode of cur.startins: a root's hot op (FORL, ITERL, ITERN, LOOP, FUNCF) or RET* after a restart. */
  readonly startOp: OpName;
  /** J->pc == J->startpc (for rec_loop_interp: the loop op's pc). A side trace keeps a startpc only
   * when it starts at exit 0 of a parent whose snapshot #0 is empty. */
  readonly atStartPc: boolean;
  readonly framedepth: number;
  /** RETF guards recorded so far (returns below the start frame). */
  readonly retdepth: number;
  /** Tail calls recorded so far. */
  readonly tailcalled: number;
  /** Whether the `loop` optimisation flag is on. */
  readonly loopOpt: boolean;
  readonly policy: LinkPolicy;
  readonly params: Readonly<Pick<JitParams, 'recunroll' | 'callunroll' | 'minstitch'>>;
}

export type LinkDecision<Continue extends object = object> =
  | { readonly kind: 'stop'; readonly link: TraceLink }
  | {
      readonly kind: 'abort';
      readonly reason: AbortReason;
      /** CUNROLL at a JFUNCF: flush that returning trace and set the JFUNCF's hot counter to `hotcount` (a quick retry). */
      readonly flush?: { readonly trace: number; readonly hotcount: number };
    }
  | ({ readonly kind: 'continue' } & Continue);

type Stop = Extract<LinkDecision, { kind: 'stop' }>;
type Abort = Extract<LinkDecision, { kind: 'abort' }>;

const RETURN_OPS: ReadonlySet<OpName> = new Set<OpName>(['RETM', 'RET', 'RET0', 'RET1']);
/** A stitched trace would begin at this op after the call, and cannot: it consumes MULTRES. */
const UNSTITCHABLE_NEXT_OPS: ReadonlySet<OpName> = new Set<OpName>(['CALLM', 'CALLMT', 'RETM', 'TSETM']);
/** Builtins never stitched across. */
const UNSTITCHABLE_BUILTINS: ReadonlySet<string> = new Set(['error', 'debug.sethook', 'jit.flush']);
/** rec_loop_interp: a root may unroll an inner loop only this many IR instructions after the last one. */
const INNER_LOOP_MAX_GAP = 24;

const trueRoot = (s: RecordingState): boolean => s.start.kind === 'root';
const atBaseLevel = (s: RecordingState): boolean => s.framedepth + s.retdepth === 0;
const abort = (reason: AbortReason): Abort => ({ kind: 'abort', reason });

/**
 * lj_record_stop: a self-link at the base level of a side trace goes to its root instead when
 * the loop optimisation is off (a side trace must not jump to its own start at the same level).
 */
export function stopLink(s: RecordingState, kind: LinkKind, target: number): Stop {
  const redirect = target === s.traceNo && atBaseLevel(s) && !s.loopOpt && s.root !== 0;
  return { kind: 'stop', link: { kind, target: redirect ? s.root : target } };
}

/** The one policy-dependent rule: whether lj_record_ret runs check_downrec_unroll for this trace. */
export function downRecursionAllowed(s: RecordingState): boolean {
  return s.policy === 'luajit-2022' || s.root === 0;
}

export type LoopEvent = 'enter' | 'enter-lo' | 'leave';

export interface LoopCounters {
  /** J->loopunroll: inner-loop entries still allowed (starts at the `loopunroll` parameter). */
  readonly loopunroll: number;
  /** J->loopref: IR count at the last unrolled inner loop, 0 for none. */
  readonly loopref: number;
}

export interface InterpretedLoop extends LoopCounters {
  readonly event: LoopEvent;
  /** bc_j of the loop op; -1 exempts the loop from the LINNER abort. */
  readonly jump: number;
  /** The penalty cache says this loop keeps being left early (PenaltyCache.innerLoopLeft). */
  readonly innerLoopLeft: boolean;
  /** J->cur.nins, in the recorder's numbering (compared with loopref). */
  readonly nins: number;
}

/** rec_loop_interp: an interpreted FORL/ITERL/LOOP (or ITERN) op was recorded. */
export function interpretedLoopLink(s: RecordingState, l: InterpretedLoop): LinkDecision<LoopCounters> {
  const same = { kind: 'continue' as const, loopunroll: l.loopunroll, loopref: l.loopref };
  const unrolled = { kind: 'continue' as const, loopunroll: l.loopunroll - 1, loopref: l.nins };
  if (!trueRoot(s)) {
    if (l.event === 'leave') return same;
    return unrolled.loopunroll < 0 ? abort('LUNROLL') : unrolled;
  }
  if (s.atStartPc && atBaseLevel(s)) {
    if (s.startOp === 'ITERN') return same;
    return l.event === 'leave' ? abort('LLEAVE') : stopLink(s, 'loop', s.traceNo);
  }
  if (l.event === 'leave') return same;
  if (l.jump !== -1 && !l.innerLoopLeft) return abort('LINNER');
  const farFromLast = l.event !== 'enter-lo' && l.loopref !== 0 && l.nins - l.loopref > INNER_LOOP_MAX_GAP;
  return farFromLast || unrolled.loopunroll < 0 ? abort('LUNROLL') : unrolled;
}

export interface CompiledLoop {
  readonly op: 'JFORI' | 'JFORL' | 'JITERL' | 'JLOOP';
  /** For JFORI: whether the loop is entered. */
  readonly event: LoopEvent;
  /** The loop's trace (the D operand). */
  readonly trace: number;
}

/** rec_loop_jit for JFORL/JITERL/JLOOP; the JFORI case of lj_record_ins. */
export function compiledLoopLink(s: RecordingState, l: CompiledLoop): LinkDecision {
  if (l.op === 'JFORI') return l.event === 'leave' ? { kind: 'continue' } : stopLink(s, 'root', l.trace);
  if (trueRoot(s)) return abort('LINNER');
  if (l.event === 'leave') return { kind: 'continue' };
  return s.atStartPc && atBaseLevel(s) ? stopLink(s, 'loop', s.traceNo) : stopLink(s, 'root', l.trace);
}

export interface FunctionEntry {
  /** Frames below the current one in the trace that run the same prototype (check_call_unroll's count). */
  readonly sameProtoFrames: number;
  /** A JFUNCF was reached: the trace it enters and that trace's link kind. Absent for an interpreted FUNCF. */
  readonly compiled?: { readonly trace: number; readonly link: LinkKind };
}

/**
 * rec_func_jit and check_call_unroll. A stop with up- or tail-recursion from check_call_unroll
 * is taken after the recorder advanced pc past the FUNCF. `random` is drawn only for the CUNROLL
 * quick retry of a JFUNCF.
 */
export function functionEntryLink(s: RecordingState, e: FunctionEntry, random: JitRandom): LinkDecision {
  if (e.compiled !== undefined && e.compiled.link !== 'return') {
    return s.atStartPc && atBaseLevel(s) ? stopLink(s, 'tail-recursion', s.traceNo) : stopLink(s, 'root', e.compiled.trace);
  }
  if (s.atStartPc) {
    if (e.sameProtoFrames + s.tailcalled > s.params.recunroll) {
      return stopLink(s, atBaseLevel(s) ? 'tail-recursion' : 'up-recursion', s.traceNo);
    }
  } else if (e.sameProtoFrames > s.params.callunroll) {
    if (e.compiled === undefined) return abort('CUNROLL');
    return { kind: 'abort', reason: 'CUNROLL', flush: { trace: e.compiled.trace, hotcount: random.bits(4) } };
  }
  return { kind: 'continue' };
}

/** lj_record_tailcall: tail calls count against the current loop unroll budget (J->loopunroll). */
export function tailCallLink(s: RecordingState, loopunroll: number): LinkDecision<{ readonly tailcalled: number }> {
  const tailcalled = s.tailcalled + 1;
  return tailcalled > loopunroll ? abort('LUNROLL') : { kind: 'continue', tailcalled };
}

export interface ReturnSituation {
  /** The frame returned to is a Lua frame (not C, pcall, vararg or continuation). */
  readonly toLua: boolean;
  /** RETF guards already recorded whose prototype is the one being returned into. */
  readonly retfToCaller: number;
}

/**
 * lj_record_ret for a RET* op. `frame`: return inside the trace. `retf`: return below the start
 * frame, guarded by a RETF (retdepth + 1).
 */
export function returnLink(s: RecordingState, r: ReturnSituation): LinkDecision<{ readonly via: 'frame' | 'retf' }> {
  if (s.framedepth > 0) return { kind: 'continue', via: 'frame' };
  if (!r.toLua || (trueRoot(s) && !RETURN_OPS.has(s.startOp))) return stopLink(s, 'return', 0);
  if (downRecursionAllowed(s) && r.retfToCaller > 0) {
    if (!s.atStartPc) return abort('DOWNREC');
    if (r.retfToCaller + s.tailcalled > s.params.recunroll) return stopLink(s, 'down-recursion', s.traceNo);
  }
  return { kind: 'continue', via: 'retf' };
}

export interface UnrecordedBuiltin {
  /** IR instructions recorded so far (J->cur.nins - REF_BASE). */
  readonly irCount: number;
  /** Called by a CALL in the trace from a Lua frame (J->framedepth > 0 and frame_islua). */
  readonly fromLuaCall: boolean;
  /** Opcode of the caller's instruction after the call, where a stitched trace would begin. */
  readonly nextOp: OpName;
  /** The builtin's name as -jv prints it (`math.modf`). */
  readonly name: string;
}

/** recff_nyi: a builtin the recorder cannot record. */
export function builtinLink(s: RecordingState, b: UnrecordedBuiltin): LinkDecision<never> {
  if (b.irCount < s.params.minstitch) return abort('TRACEUV');
  const stitch = b.fromLuaCall && !UNSTITCHABLE_NEXT_OPS.has(b.nextOp) && !UNSTITCHABLE_BUILTINS.has(b.name);
  return stopLink(s, stitch ? 'stitch' : 'return', 0);
}
