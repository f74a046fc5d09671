// JIT parameters and optimisation flags as LuaJIT 2.1 defines them (JIT_PARAMDEF and the
// JIT_F_OPT flags of lj_jit.h), and the item syntax shared by `jit.opt.start(...)` and `-O`:
// a level 0..3, `+flag` / `-flag` / `noflag`, or `param=value` (lib_jit.c jitopt_*).
import { JitOptionError } from './errors';

/** JIT_PARAMDEF in order, with LuaJIT's defaults. */
export const JIT_PARAMS = [
  ['maxtrace', 1000], ['maxrecord', 4000], ['maxirconst', 500], ['maxside', 100], ['maxsnap', 500],
  ['minstitch', 0], ['hotloop', 56], ['hotexit', 10], ['tryside', 4], ['instunroll', 4],
  ['loopunroll', 15], ['callunroll', 3], ['recunroll', 2], ['sizemcode', 64], ['maxmcode', 2048],
] as const;
export type JitParamName = (typeof JIT_PARAMS)[number][0];

/** Optimisation flags in JIT_F_OPT order. */
export const JIT_FLAGS = ['fold', 'cse', 'dce', 'fwd', 'dse', 'narrow', 'loop', 'abc', 'sink', 'fuse', 'fma'] as const;
export type JitFlagName = (typeof JIT_FLAGS)[number];

/** Flags switched on by each -O level (0 = none … 3 = LuaJIT's default). */
export const OPT_LEVELS: readonly (readonly JitFlagName[])[] = [
  [],
  ['fold', 'cse', 'dce'],
  ['fold', 'cse', 'dce', 'narrow', 'loop'],
  ['fold', 'cse', 'dce', 'narrow', 'loop', 'fwd', 'dse', 'abc', 'sink', 'fuse'],
];

export type JitParams = Record<JitParamName, number>;

export class JitOptions {
  readonly params: JitParams = Object.fromEntries(JIT_PARAMS) as JitParams;
  readonly flags = new Set<JitFlagName>(OPT_LEVELS[3]);

  /** Applies one item; returns the names of the parameters it changed. */
  apply(item: string, location: string): JitParamName[] {
    if (/^[0-3]$/.test(item)) {
      this.flags.clear();
      for (const f of OPT_LEVELS[Number(item)]) this.flags.add(f);
      return [];
    }
    const eq = item.indexOf('=');
    if (eq > 0) {
      const name = item.slice(0, eq);
      const value = item.slice(eq + 1);
      const param = JIT_PARAMS.find((p) => p[0] === name);
      if (param && /^\d+$/.test(value)) {
        this.params[param[0]] = Number(value);
        return [param[0]];
      }
      throw new JitOptionError(location, `unknown or malformed optimization flag '${item}'`);
    }
    const m = /^(\+|-|no)?([a-z]+)$/.exec(item);
    const flag = m ? JIT_FLAGS.find((f) => f === m[2]) : undefined;
    if (!m || !flag) throw new JitOptionError(location, `unknown or malformed optimization flag '${item}'`);
    if (m[1] === '-' || m[1] === 'no') this.flags.delete(flag);
    else this.flags.add(flag);
    return [];
  }

  /** Applies a `-O` argument: comma-separated items. */
  applyList(list: string, location: string): JitParamName[] {
    const changed: JitParamName[] = [];
    for (const item of list.split(',')) if (item !== '') changed.push(...this.apply(item, location));
    return changed;
  }

  /** Enabled flags in JIT_F_OPT order (what jit.status() lists). */
  enabledFlags(): JitFlagName[] {
    return JIT_FLAGS.filter((f) => this.flags.has(f));
  }
}
