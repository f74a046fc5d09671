// Typed errors of the backend. Each carries a `location` naming the trace (and ref or exit)
// or the code address the problem is about, and a message a user can act on.

export class AsmError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A trace needs more than LuaJIT's 256 spill slots (LJ_TRERR_SPILLOV). */
export class SpillOverflowError extends AsmError {}

/** A rel32 branch whose target lies beyond ±2 GiB of the branch. */
export class BranchRangeError extends AsmError {}

/** An exit number or trace number outside what the layout can encode. */
export class AsmRangeError extends AsmError {}
