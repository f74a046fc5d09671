// The JSON form of a JIT run (`tracesim run --json`), for tools and CI: the trace graph (each
// trace's start, parent and exit, link kind and target, frame size), the exits taken with
// their counts, the recording aborts and the host-stack violations. Keys keep this order.
import type { TraceStart } from '@tracesim/ir';
import type { TracingJit } from './tracing-jit';
import { violationJson } from './format';

export type TraceStartJson = { kind: 'root' } | { kind: 'side'; parent: number; exit: number } | { kind: 'stitch'; previous: number };

/** A trace's start as JSON: root, side (parent and exit) or stitch (the trace before it). */
export function traceStartJson(s: TraceStart): TraceStartJson {
  return s.kind === 'side' ? { kind: 'side', parent: s.parent, exit: s.exit } : s.kind === 'stitch' ? { kind: 'stitch', previous: s.previous } : { kind: 'root' };
}

/** Exit counts keyed `trace/exit` as a list of {trace, exit, count}. */
export function exitCountsJson(counts: ReadonlyMap<string, number>): { trace: number; exit: number; count: number }[] {
  return [...counts].map(([key, count]) => {
    const [trace, exit] = key.split('/').map(Number);
    return { trace, exit, count };
  });
}

export function jitRunJson(jit: TracingJit, extra: { file: string; policy: string; output: string; exitCode: number }): object {
  return {
    file: extra.file,
    policy: extra.policy,
    exitCode: extra.exitCode,
    output: extra.output,
    traces: jit.traces.map((t) => ({
      number: t.number,
      start: traceStartJson(t.start),
      location: t.location,
      link: { kind: t.link.kind, target: t.link.target },
      spadjust: jit.frameSize(t.number) ?? null,
    })),
    exits: exitCountsJson(jit.exitCounts()),
    aborts: jit.aborts,
    violations: jit.violations.map(violationJson),
  };
}
