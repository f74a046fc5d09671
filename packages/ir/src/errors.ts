// Typed errors of the IR package. Each carries a `location` a user can find: `file:line:col` or
// `line:col` for text, `trace N ref NNNN` / `trace N snapshot #S` / `trace N` for the model.

import { formatRef, type Ref } from './refs';

export class IrError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Text that is not a valid -jdump listing or trace file. */
export class IrParseError extends IrError {}

/** A trace or trace set that breaks an IR rule. */
export class IrValidationError extends IrError {}

/**
 * The LOOP pass met a loop-carried slot whose type changes between iterations (LuaJIT's
 * LJ_TRERR_TYPEINS from loop_unroll): the recorder unrolls one more iteration instead.
 */
export class LoopTypeInstability extends IrValidationError {}

/** The reference interpreter met something it cannot run (unmodelled op, missing helper, ...). */
export class IrRuntimeError extends IrError {}

/** The reference interpreter used up its step budget. */
export class IrStepBudgetError extends IrError {}

export function traceLocation(trace: number, ref?: Ref): string {
  return ref === undefined ? `trace ${trace}` : `trace ${trace} ref ${formatRef(ref)}`;
}

export function snapshotLocation(trace: number, snapshot: number): string {
  return `trace ${trace} snapshot #${snapshot}`;
}

export function textLocation(file: string | undefined, line: number, col: number): string {
  return file ? `${file}:${line}:${col}` : `${line}:${col}`;
}
