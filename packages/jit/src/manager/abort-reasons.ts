// Why a trace recording stops without a trace: LuaJIT's LJ_TRERR_* table (lj_traceerr.h, in
// enum order, so a reason's index is its TraceError number) with the exact messages `-jv`
// prints, their `%s`/`%d` argument, and `TraceAbort`, the error the recorder throws.

/** [name, message] in lj_traceerr.h order. */
export const TRACE_ERRORS = [
  // Recording.
  ['RECERR', 'error thrown or hook called during recording'],
  ['TRACEUV', 'trace too short'],
  ['TRACEOV', 'trace too long'],
  ['STACKOV', 'trace too deep'],
  ['SNAPOV', 'too many snapshots'],
  ['BLACKL', 'blacklisted'],
  ['RETRY', 'retry recording'],
  ['NYIBC', 'NYI: bytecode %s'],
  // Loop ops.
  ['LLEAVE', 'leaving loop in root trace'],
  ['LINNER', 'inner loop in root trace'],
  ['LUNROLL', 'loop unroll limit reached'],
  // Calls and returns.
  ['BADTYPE', 'bad argument type'],
  ['CJITOFF', 'JIT compilation disabled for function'],
  ['CUNROLL', 'call unroll limit reached'],
  ['DOWNREC', 'down-recursion, restarting'],
  ['NYIFFU', 'NYI: unsupported variant of FastFunc %s'],
  ['NYIRETL', 'NYI: return to lower frame'],
  // Indexed loads and stores.
  ['STORENN', 'store with nil or NaN key'],
  ['NOMM', 'missing metamethod'],
  ['IDXLOOP', 'looping index lookup'],
  ['NYITMIX', 'NYI: mixed sparse/dense table'],
  // C data.
  ['NOCACHE', 'symbol not in cache'],
  ['NYICONV', 'NYI: unsupported C type conversion'],
  ['NYICALL', 'NYI: unsupported C function type'],
  // Optimisations.
  ['GFAIL', 'guard would always fail'],
  ['PHIOV', 'too many PHIs'],
  ['TYPEINS', 'persistent type instability'],
  // Assembler.
  ['MCODEAL', 'failed to allocate mcode memory'],
  ['MCODEOV', 'machine code too long'],
  ['MCODELM', 'hit mcode limit (retrying)'],
  ['SPILLOV', 'too many spill slots'],
  ['BADRA', 'inconsistent register allocation'],
  ['NYIIR', 'NYI: cannot assemble IR instruction %d'],
  ['NYIPHI', 'NYI: PHI shuffling too complex'],
  ['NYICOAL', 'NYI: register coalescing too complex'],
] as const;

type Entry = (typeof TRACE_ERRORS)[number];
export type AbortReason = Entry[0];
type Message<R extends AbortReason> = Extract<Entry, readonly [R, string]>[1];

/** The argument a reason's message takes: a string for `%s`, an integer for `%d`, none otherwise. */
export type AbortInfo<R extends AbortReason> =
  Message<R> extends `${string}%s${string}` ? string : Message<R> extends `${string}%d${string}` ? number : undefined;
type InfoArgs<R extends AbortReason> = AbortInfo<R> extends undefined ? [] : [info: AbortInfo<R>];

const MESSAGES = new Map<AbortReason, string>(TRACE_ERRORS);

/** LJ_TRERR_<reason>: the reason's position in the table. */
export function traceErrorNumber(reason: AbortReason): number {
  return TRACE_ERRORS.findIndex((e) => e[0] === reason);
}

/** The message as `-jv` prints it, with the argument in place of `%s` / `%d`. */
export function formatAbortMessage<R extends AbortReason>(reason: R, ...info: InfoArgs<R>): string {
  const template = MESSAGES.get(reason) as string;
  const arg = info[0] as string | number | undefined;
  return template.replace(/%[sd]/, (spec) => (spec === '%d' ? String(Math.trunc(Number(arg))) : String(arg)));
}

/** A recording abort: the recorder throws it, the trace manager catches it (trace_abort). */
export class TraceAbort<R extends AbortReason = AbortReason> extends Error {
  /** The argument of the message, when it takes one. */
  readonly info: AbortInfo<R> | undefined;

  constructor(
    readonly reason: R,
    /** Where recording stopped: `chunk:line` of the bytecode being recorded, or `trace N` for the assembler. */
    readonly location: string,
    ...info: InfoArgs<R>
  ) {
    super(formatAbortMessage(reason, ...info));
    this.name = 'TraceAbort';
    this.info = info[0] as AbortInfo<R> | undefined;
  }
}
