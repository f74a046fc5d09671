// Public API of @tracesim/asm: the IR → x86-64 backend (frame rules, exit stubs, heads and tails,
// exit patching, register allocation, -jdump mcode syntax).
export * from './errors';
export { FRAME_RULES, isWideType, spillOffset, stackAdjust, sideTraceFrame, SpillSlots } from './frame';
export { type CodeSequence } from './code-sequence';
export { EXIT_STUB_LAYOUT, EXIT_STUB_TAIL_OFFSET, exitStubGroup, exitStubAddress, type ExitStubGroup } from './exitstubs';
export { traceHead, traceTail, type TailTarget } from './heads-tails';
export {
  ALLOCATION_ORDER, MIN_REGS, allocateRegisters,
  type RegClass, type AllocIns, type AllocOptions, type Allocation, type InsAllocation, type Reload,
} from './regalloc';
export { allocInput, allocateTrace, registerColumns } from './trace-alloc';
export { formatJdumpInstruction, formatMcodeLine } from './jdump-syntax';
export { exitBranches, patchExit, type ExitBranch } from './exit-patch';
export * from './assembled';
export { assembleTraceSet } from './assemble';
export { TraceAppender, type AssembleOptions, type CodeChunk } from './trace-appender';
export { HELPER_TRAPS, SYSV_GPR_ARGS } from './helper-traps';
export { SCRATCH, type Home } from './regalloc';
export { sequentializeMoves, type Move, type Loc } from './parallel-move';
