// Side traces from hot exits (trace_hotside in lj_trace.c, the side-trace check of
// lj_record_setup, the bookkeeping of trace_stop): a uint8 counter per exit, the number of side
// traces per root, and the verdict on each taken exit — keep counting, record a side trace, or
// (tryside attempts used up, or maxside children reached) compile an interpreter stub.
import type { JitParams } from '@tracesim/lua';

/** An exit counter at this value is done: a side trace (or stub) is attached, or it is the tail. */
export const SNAPCOUNT_DONE = 255;

export interface ExitRef {
  readonly trace: number;
  readonly exit: number;
  /** Root of the trace's chain: the trace itself if it is a root (cur.root, or the parent). */
  readonly root: number;
}

/**
 * `none`: the exit is not hot (or is done). `record`: start recording a side trace.
 * `interp-stub`: start one, but stop it at once with link kind `interpreter` (target 0); once
 * linked it marks the exit done.
 */
export type ExitVerdict = 'none' | 'record' | 'interp-stub';

export class SideExits {
  private readonly counts = new Map<string, number>();
  private readonly nchild = new Map<number, number>();

  /** `params` is read at every call, so `jit.opt.start` changes apply at once. */
  constructor(private readonly params: Readonly<Pick<JitParams, 'hotexit' | 'tryside' | 'maxside'>>) {}

  /** An exit was taken (with the JIT on, from a Lua function, no GC/vmevent hook active). */
  exitTaken(ref: ExitRef): ExitVerdict {
    const key = `${ref.trace}/${ref.exit}`;
    const count = this.counts.get(key) ?? 0;
    if (count === SNAPCOUNT_DONE) return 'none';
    this.counts.set(key, count + 1);
    if (count + 1 < this.params.hotexit) return 'none';
    const full = this.children(ref.root) >= this.params.maxside || count + 1 >= this.params.hotexit + this.params.tryside;
    return full ? 'interp-stub' : 'record';
  }

  /** trace_stop of a side trace (or stub) from `ref`: the exit is done, the root has one more child. */
  sideTraceLinked(ref: ExitRef): void {
    this.markDone(ref.trace, ref.exit);
    this.nchild.set(ref.root, this.children(ref.root) + 1);
  }

  /** The last snapshot of a non-looping trace describes its tail, not an exit: done at once. */
  markDone(trace: number, exit: number): void {
    this.counts.set(`${trace}/${exit}`, SNAPCOUNT_DONE);
  }

  count(trace: number, exit: number): number {
    return this.counts.get(`${trace}/${exit}`) ?? 0;
  }

  children(root: number): number {
    return this.nchild.get(root) ?? 0;
  }
}
