// From trace-file text to a replay: parse (with the scenario), validate, assemble with the
// backend, replay on the CPU model. Every failure on the way is a located error.
import { assembleTraceSet, type AssembledSet } from '@tracesim/asm';
import { checkTraceSet, parseTraceFile, type TraceSet } from '@tracesim/ir';
import { replayTraceSet, type ReplayResult } from './replay';

export interface TraceFileOptions {
  /** Register budget for the backend's allocator. */
  readonly regs?: number;
  readonly onViolation?: 'stop' | 'continue';
}

export interface TraceFileReplay {
  readonly set: TraceSet;
  readonly assembled: AssembledSet;
  readonly result: ReplayResult;
}

export function replayTraceFile(text: string, file: string, options: TraceFileOptions = {}): TraceFileReplay {
  const set = parseTraceFile(text, file);
  checkTraceSet(set);
  const assembled = assembleTraceSet(set, { regs: options.regs });
  const result = replayTraceSet(set, assembled, { onViolation: options.onViolation });
  return { set, assembled, result };
}
