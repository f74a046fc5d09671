// The replay event log: the reference interpreter's RunEvent kinds (enter, exit, side, link,
// interpreter) with the same fields, plus the engine's own: `rsp` on every event and
// `violation` events from the host-stack monitor. stripEngineFields gives back plain RunEvents
// so a replay can be compared with runTraceSet.
import type { Violation } from '@tracesim/cpu-sim';
import type { LinkKind, RestoredSlot, RunEvent } from '@tracesim/ir';

export type ReplayEvent =
  /** The interpreter enters a trace; rsp = rsp0. */
  | { readonly kind: 'enter'; readonly trace: number; readonly rsp: number }
  /** A guard exit reached exit_handler; the exit map was restored; rsp = T0. */
  | { readonly kind: 'exit'; readonly trace: number; readonly exit: number; readonly count: number; readonly restored: readonly RestoredSlot[]; readonly base: number; readonly rsp: number }
  /** A patched exit jumped straight into side trace `side`'s head; rsp at the jump. */
  | { readonly kind: 'side'; readonly trace: number; readonly exit: number; readonly count: number; readonly side: number; readonly rsp: number }
  /** A tail jumped to trace `to`'s head; restored = the last snapshot's slots read back; rsp at the jump. */
  | { readonly kind: 'link'; readonly trace: number; readonly link: LinkKind; readonly to: number; readonly restored: readonly RestoredSlot[]; readonly base: number; readonly rsp: number }
  /** A tail jumped to exit_interp; restored = the last snapshot's slots read back; rsp at the jump. */
  | { readonly kind: 'interpreter'; readonly trace: number; readonly link: LinkKind; readonly restored: readonly RestoredSlot[]; readonly base: number; readonly rsp: number }
  /** The host-stack monitor found a contract violation. */
  | { readonly kind: 'violation'; readonly violation: Violation };

/** The events without the engine-only parts (violations, rsp), in the reference interpreter's shape. */
export function stripEngineFields(events: readonly ReplayEvent[]): RunEvent[] {
  const out: RunEvent[] = [];
  for (const event of events) {
    if (event.kind === 'violation') continue;
    const { rsp: _rsp, ...rest } = event;
    out.push(rest);
  }
  return out;
}
