// What the trace manager does after a recording abort (trace_abort in lj_trace.c), as a list of
// actions for the caller to carry out: retry assembly (MCODELM), penalise or blacklist a true
// root's start op (RETRY: retry at once), blacklist stitching from the previous trace, restart as a
// root at the RET (DOWNREC), flush everything (MCODEAL). Side traces are never penalised here.
import type { TraceStart } from '@tracesim/ir';
import { HotCounters, type OpName } from '@tracesim/lua';
import type { AbortReason } from './abort-reasons';
import { BLACKLIST_PATCHES, type BlacklistPatch, type PenaltyCache } from './penalty';

export interface AbortedTrace {
  readonly start: TraceStart;
  /** Opcode of the trace's start instruction (cur.startins): the hot op of a root, a RET* after a DOWNREC restart. */
  readonly startOp: OpName;
  /** Bytecode address of that instruction (cur.startpc); the penalty goes to the counter of the next one. */
  readonly startPc: number;
  /** Opcode being recorded when the abort happened (J->pc): DOWNREC restarts there, except at RETM. */
  readonly abortOp: OpName;
}

export type AbortAction =
  /** MCODELM: assemble the same trace again in a new mcode area (nothing else happens). */
  | { readonly kind: 'retry-assembly' }
  /** Write `value` into hot counter `slot` (the counter of the instruction after `pc`). */
  | { readonly kind: 'hotcount'; readonly pc: number; readonly slot: number; readonly value: number }
  /** Rewrite the op at `pc` so it never gets hot again. */
  | { readonly kind: 'blacklist'; readonly pc: number; readonly patch: BlacklistPatch }
  /** A stitched root failed: set trace `trace`'s link to itself, so cont_stitch never retries. */
  | { readonly kind: 'blacklist-stitch'; readonly trace: number }
  /** DOWNREC (trace_downrec): start recording a new root trace at the current RET/RET0/RET1. */
  | { readonly kind: 'restart-at-return' }
  /** MCODEAL: flush all traces. */
  | { readonly kind: 'flush-all' };

const RETURNS: ReadonlySet<OpName> = new Set<OpName>(['RETM', 'RET', 'RET0', 'RET1']);

export function abortActions(trace: AbortedTrace, reason: AbortReason, penalties: PenaltyCache): AbortAction[] {
  if (reason === 'MCODELM') return [{ kind: 'retry-assembly' }];
  const actions: AbortAction[] = [];
  if (trace.start.kind === 'root' && !RETURNS.has(trace.startOp)) {
    const pc = trace.startPc;
    const slot = HotCounters.slot(pc + 4);
    if (reason === 'RETRY') {
      actions.push({ kind: 'hotcount', pc, slot, value: 1 });
    } else {
      const outcome = penalties.penalize(pc, reason);
      if (outcome.kind === 'penalty') actions.push({ kind: 'hotcount', pc, slot, value: outcome.value });
      else actions.push({ kind: 'blacklist', pc, patch: blacklistPatch(trace.startOp) });
    }
  } else if (trace.start.kind === 'stitch') {
    actions.push({ kind: 'blacklist-stitch', trace: trace.start.previous });
  }
  if (reason === 'DOWNREC' && trace.abortOp !== 'RETM') actions.push({ kind: 'restart-at-return' });
  if (reason === 'MCODEAL') actions.push({ kind: 'flush-all' });
  return actions;
}

function blacklistPatch(op: OpName): BlacklistPatch {
  const patch = (BLACKLIST_PATCHES as Partial<Record<OpName, BlacklistPatch>>)[op];
  if (patch === undefined) throw new TypeError(`a root trace cannot start at ${op}: only hot loop and call ops are penalised`);
  return patch;
}
