// From trace-file text to a replay: parse (with the scenario), validate, assemble with the
// backend, replay on the CPU model. Every failure on the way is a located error.
import { assembleTraceSet, type AssembledSet } from '@tracesim/asm';
import { checkTraceSet, parseTraceFile, type TraceSet } from '@tracesim/ir';
import type { RspCheckpoint } from '@tracesim/cpu-sim';
import { ReplayInputError } from './errors';
import { replayTraceSet, type ReplayResult } from './replay';

export interface TraceFileOptions {
  /** Register budget for the backend's allocator. */
  readonly regs?: number;
  readonly onViolation?: 'stop' | 'continue';
  /** Told of every rsp check (the HTML report's timeline). */
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

export interface TraceFileReplay {
  readonly set: TraceSet;
  readonly assembled: AssembledSet;
  readonly result: ReplayResult;
}

/** Runs `step`, naming `file` in the location of any located error it throws (`file: trace 1 ref 0002`). */
function inFile<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    const location = (e as { location?: unknown }).location;
    if (e instanceof Error && typeof location === 'string' && !location.startsWith(file) && !location.startsWith('--')) throw new ReplayInputError(`${file}: ${location}`, e.message);
    throw e;
  }
}

export function replayTraceFile(text: string, file: string, options: TraceFileOptions = {}): TraceFileReplay {
  const set = parseTraceFile(text, file);
  inFile(file, () => checkTraceSet(set));
  const assembled = inFile(file, () => assembleTraceSet(set, { regs: options.regs }));
  const result = replayTraceSet(set, assembled, { onViolation: options.onViolation, checkpoint: options.checkpoint });
  return { set, assembled, result };
}
