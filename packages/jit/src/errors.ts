// Typed errors of the replay engine. Each carries a `location` (a trace and code address,
// `scenario`, or `rdx`/`vmstate` with the value found) and a message a user can act on.

export class ReplayError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The scenario or the assembled set does not fit the machine (stack too big, trace missing, ...). */
export class ReplayInputError extends ReplayError {}

/** The machine code ran longer than the scenario's budget allows. */
export class ReplayBudgetError extends ReplayError {}

/** The machine code faulted (#PF, #UD, ...) or handed the exit handler something it cannot use. */
export class ReplayFaultError extends ReplayError {}

export const hex = (n: number): string => '0x' + n.toString(16);

export function codeLocation(trace: number | undefined, address: number): string {
  return trace === undefined ? `address ${hex(address)}` : `trace ${trace} at ${hex(address)}`;
}
