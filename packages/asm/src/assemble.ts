// Assembles a whole trace set (a replayed trace file) into the mcode area with a TraceAppender:
// parents before their side traces, otherwise in the set's order. A link to a trace placed
// later is encoded in a second layout, once the first has fixed every address (code size does
// not depend on link targets: tails always use `jmp rel32`).

import { REGIONS } from '@tracesim/machine';
import { traceLocation, type Trace, type TraceSet } from '@tracesim/ir';
import type { AssembledSet } from './assembled';
import { AsmError } from './errors';
import { EXIT_STUB_LAYOUT } from './exitstubs';
import { TraceAppender, type AssembleOptions } from './trace-appender';

export type { AssembleOptions } from './trace-appender';

/** The set's order, except that a side trace listed before its parent moves to just after it. */
function parentsFirst(set: TraceSet): Trace[] {
  const byNumber = new Map(set.traces.map((t) => [t.number, t]));
  const placed = new Set<number>();
  const order: Trace[] = [];
  const place = (t: Trace, chain: readonly number[]): void => {
    if (placed.has(t.number)) return;
    if (t.start.kind === 'side') {
      const parent = byNumber.get(t.start.parent);
      if (!parent) throw new AsmError(traceLocation(t.number), `side trace of trace ${t.start.parent}, which is not in the trace set`);
      if (chain.includes(parent.number)) throw new AsmError(traceLocation(t.number), `side traces ${[...chain, t.number].slice(chain.indexOf(parent.number)).join(', ')} form a parent cycle`);
      place(parent, [...chain, t.number]);
    }
    placed.add(t.number);
    order.push(t);
  };
  for (const t of set.traces) place(t, []);
  return order;
}

export function assembleTraceSet(set: TraceSet, opts: AssembleOptions = {}): AssembledSet {
  const order = parentsFirst(set);
  const exits = Math.max(1, ...set.traces.map((t) => t.snapshots.length));
  const groupCount = Math.max(opts.stubGroups ?? 0, Math.ceil(exits / EXIT_STUB_LAYOUT.stubsPerGroup));
  if (groupCount > EXIT_STUB_LAYOUT.maxGroups) {
    throw new AsmError('trace set', `a trace has ${exits} exits; LuaJIT's exit stubs reach ${EXIT_STUB_LAYOUT.maxGroups * EXIT_STUB_LAYOUT.stubsPerGroup}`);
  }
  const inSet = new Set(set.traces.map((t) => t.number));
  const layout = (forward: (n: number) => number | undefined): TraceAppender => {
    const area = new TraceAppender({ ...opts, stubGroups: groupCount });
    for (const t of order) area.append(t, set.returnSites, forward);
    return area;
  };
  let forwardLinks = false;
  let area = layout((n) => {
    if (!inSet.has(n)) return undefined;
    forwardLinks = true;
    return opts.mcodeBase ?? REGIONS.mcode.base;
  });
  if (forwardLinks) {
    const first = area;
    area = layout((n) => first.get(n)?.address);
  }
  return { traces: area.traces, stubGroups: area.stubGroups, chunks: area.chunks() };
}
