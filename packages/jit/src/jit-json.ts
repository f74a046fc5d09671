// The JSON form of a JIT run (`tracesim run --json`), for tools and CI: the trace graph (each
// trace's start, parent and exit, link kind and target, frame size), the exits taken with
// their counts, the recording aborts and the host-stack violations. Keys keep this order.
import type { TracingJit } from './tracing-jit';
import { violationJson } from './format';

export function jitRunJson(jit: TracingJit, extra: { file: string; policy: string; output: string; exitCode: number }): object {
  return {
    file: extra.file,
    policy: extra.policy,
    exitCode: extra.exitCode,
    output: extra.output,
    traces: jit.traces.map((t) => ({
      number: t.number,
      start: t.start.kind === 'side' ? { kind: 'side', parent: t.start.parent, exit: t.start.exit }
        : t.start.kind === 'stitch' ? { kind: 'stitch', previous: t.start.previous } : { kind: 'root' },
      location: t.location,
      link: { kind: t.link.kind, target: t.link.target },
      spadjust: jit.frameSize(t.number) ?? null,
    })),
    exits: [...jit.exitCounts()].map(([key, count]) => {
      const [trace, exit] = key.split('/').map(Number);
      return { trace, exit, count };
    }),
    aborts: jit.aborts,
    violations: jit.violations.map(violationJson),
  };
}
