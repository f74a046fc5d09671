// Runs a Lua program on the interpreter with the tracing JIT attached, as `tracesim run` and the
// #1169 demo both do: builds the JIT and the interpreter from one set of options, runs the main
// chunk, and hands back the JIT (traces, exits, aborts, violations) and the exit status.
import type { RspCheckpoint } from '@tracesim/cpu-sim';
import { JitViolation, TracingJit, type JitObserver, type LinkPolicy } from '@tracesim/jit';
import { LuaExit, LuaInterpreter, compileLua, hostAccess } from '@tracesim/lua';

export interface LuaSessionOptions {
  readonly file: string;
  readonly source: string;
  readonly args?: readonly string[];
  readonly jit: boolean;
  readonly policy: LinkPolicy;
  readonly regs?: number;
  readonly jitOptions?: string;
  readonly maxSteps: number;
  readonly maxMemory: number;
  readonly onViolation: 'stop' | 'continue';
  readonly write: (text: string) => void;
  readonly writeError: (text: string) => void;
  readonly log?: (line: string) => void;
  readonly observer?: JitObserver;
  readonly checkpoint?: (point: RspCheckpoint) => void;
}

export interface LuaSession {
  readonly jit: TracingJit | undefined;
  /** os.exit's status, or 0. */
  readonly exitStatus: number;
}

export function runLuaSession(o: LuaSessionOptions): LuaSession {
  const jit = o.jit
    ? new TracingJit({ regs: o.regs, policy: o.policy, maxMachineSteps: o.maxSteps, onViolation: o.onViolation, log: o.log, observer: o.observer, checkpoint: o.checkpoint })
    : undefined;
  const vm = new LuaInterpreter({
    output: o.write,
    errorOutput: o.writeError,
    host: hostAccess(),
    jit: o.jit,
    jitOptions: o.jitOptions ?? '',
    maxInstructions: o.maxSteps,
    maxMemory: o.maxMemory,
    ...(jit ? { hooks: jit.hooks } : {}),
  });
  jit?.attach(vm);
  const scriptArgs = vm.setScriptArguments(o.file, [...(o.args ?? [])]);
  let exitStatus = 0;
  try {
    vm.run(compileLua(o.source, o.file), scriptArgs);
  } catch (e) {
    if (e instanceof LuaExit) exitStatus = e.status;
    else if (!(e instanceof JitViolation)) throw e;
  }
  return { jit, exitStatus };
}

/** Both observers, each told of every event. */
export function bothObservers(a: JitObserver | undefined, b: JitObserver | undefined): JitObserver | undefined {
  if (!a || !b) return a ?? b;
  const both: JitObserver = {};
  for (const key of ['traceStart', 'record', 'traceStop', 'traceAbort', 'traceExit'] as const) {
    const f = a[key] as ((e: never) => void) | undefined, g = b[key] as ((e: never) => void) | undefined;
    if (f || g) (both as Record<string, (e: never) => void>)[key] = (e: never) => { f?.(e); g?.(e); };
  }
  return both;
}
