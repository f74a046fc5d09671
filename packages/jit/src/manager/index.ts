// The trace manager's decision rules (issue 7): abort reasons, penalties and blacklisting, side
// exits, link kinds and the down-recursion policy. Pure logic; the recorder calls it.
export { TRACE_ERRORS, TraceAbort, formatAbortMessage, traceErrorNumber, type AbortReason, type AbortInfo } from './abort-reasons';
export { JitRandom } from './jit-random';
export {
  PenaltyCache, PENALTY_SLOTS, PENALTY_MIN, PENALTY_MAX, PENALTY_RNDBITS, BLACKLIST_PATCHES,
  type PenaltyEntry, type PenaltyOutcome, type BlacklistPatch,
} from './penalty';
export { abortActions, type AbortedTrace, type AbortAction } from './abort-actions';
export { SideExits, SNAPCOUNT_DONE, type ExitRef, type ExitVerdict } from './side-exits';
export {
  LINK_POLICIES, stopLink, downRecursionAllowed, interpretedLoopLink, compiledLoopLink, functionEntryLink,
  tailCallLink, returnLink, builtinLink,
  type LinkPolicy, type RecordingState, type LinkDecision, type LoopEvent, type LoopCounters, type InterpretedLoop,
  type CompiledLoop, type FunctionEntry, type ReturnSituation, type UnrecordedBuiltin,
} from './link-rules';
export { jitParam, isJitParamName } from './params';
