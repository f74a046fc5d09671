// Public API of @tracesim/ir: IR tables, the trace model, builder and passes, the -jdump text
// format and trace files, the validator and the reference IR interpreter.
export * from './opcodes';
export * from './types';
export * from './refs';
export * from './literals';
export * from './registers';
export * from './trace';
export * from './calls';
export * from './errors';
export { formatConstant, gcHandle } from './constants';
export { bitsDouble, formatG, formatHexFloat, formatNumberConstant, parseNumberConstant } from './numfmt';
export { printTrace, formatIrLines, formatStartLine, formatStopLine, formatInsLine, formatSnapshotLine } from './dump-print';
export type { PrintOptions } from './dump-print';
export { parseJdump, parseStopLine, START_LINE, STOP_LINE } from './dump-parse';
export { TraceBuilder } from './builder';
export type { BuilderOptions, TraceHead, SnapshotOptions } from './builder';
export { eliminateDeadCode, hasSideEffect } from './dce';
export { validateTrace, validateTraceSet, checkTraceSet } from './validate';
export { parseTraceFile, printTraceFile, SCENARIO_HEADER, SCENARIO_DEFAULTS } from './trace-file';
export { luaValueWords, formatLuaValue, parseLuaValue, describeWords, rawWords, wordsToBits, formatExactNumber } from './values';
export { runTraceSet } from './interpret';
export type { RunEvent, RunResult, RestoredSlot } from './interpret';
export { truncateToInt, checkedNumToInt, evalArith, evalCompare, evalInt64Arith } from './arith';
export { optimizeLoop } from './loop';
export { TableForwarding } from './table-forward';
export { helperCall, isHelperCallOp, type HelperCall } from './helper-ops';
export { callArguments, snapshotInForce, refType, sameOperandType, findTrace, sideTraceAt } from './queries';
export { formatRunEvent } from './events-format';
