// Public API of @tracesim/cpu-sim: memory, faults, the CPU, traps and the host-stack monitor.
export { Memory, PAGE_SIZE } from './memory';
export type { Perm, Region, WriteWatcher } from './memory';
export {
  CpuFault,
  PageFault,
  GeneralProtectionFault,
  InvalidOpcodeFault,
  DivideErrorFault,
  BreakpointFault,
  StepBudgetExhausted,
  MemoryLayoutError,
} from './faults';
export type { FaultKind, AccessKind } from './faults';
export { CpuState, FLAGS, ARITHMETIC_FLAGS } from './state';
export type { FlagName } from './state';
export { Cpu, WatcherStop } from './cpu';
export type { TrapAction, TrapInfo, TrapHandler, ExecutionWatcher, Observer, RunOptions, RunResult } from './cpu';
export { FLAG_EFFECTS } from './flag-effects';
export type { FlagEffect } from './flag-effects';
export { runSnippet, snippetJson, SANDBOX } from './sandbox';
export type { SnippetInput, SnippetResult, SnippetFault } from './sandbox';
export { HostStackMonitor, describeViolation } from './monitor';
export type { RspCheckpoint } from './monitor';
export type { TraceInfo, Violation, ViolationKind, MonitorOptions } from './monitor';
export { CONTRACT_WORDING, frameSlotName } from './contract-wording';
