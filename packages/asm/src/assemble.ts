// Assembles a trace set into the mcode area: exit-stub groups first (shared by all traces, as
// LuaJIT's are), then each trace behind its constant pool, parents before their side traces.
// Two passes: the first fixes every trace's address (code size does not depend on link
// targets: tails always use `jmp rel32`), the second encodes the tails' real targets. Finally
// each parent's exit branches are patched to jump straight into their side traces.

import { REGIONS, trapAddress } from '@tracesim/machine';
import { findTrace, traceLocation, type Trace, type TraceSet } from '@tracesim/ir';
import type { AssembledSet, AssembledTrace } from './assembled';
import { generateTrace } from './codegen';
import { buildConstPool, type ConstPool } from './const-pool';
import { AsmError } from './errors';
import { exitBranches, patchExit, type ExitBranch } from './exit-patch';
import { EXIT_STUB_LAYOUT, exitStubAddress, exitStubGroup, type ExitStubGroup } from './exitstubs';
import { encodeSequence } from './code-sequence';

export interface AssembleOptions {
  /** Allocatable registers per class (`--regs N`). */
  readonly regs?: number;
  /** First byte of the mcode area to use. */
  readonly mcodeBase?: number;
  /** Exit-stub groups to lay out at least (a JIT reserves them all, so the stub area never moves). */
  readonly stubGroups?: number;
}

const ALIGN = 16;
/** `jmp qword [rip+disp32]` is 6 bytes; the slot keeps the head 8-byte aligned after the pool. */
const JMP_RIP_LENGTH = 6;
const OVERFLOW_STUB_BYTES = 8;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/**
 * The set's order, except that a side trace listed before its parent moves to just after it:
 * a new trace (appended) then never moves the traces already placed.
 */
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

/**
 * Each trace's last generated code with what it was generated from: assembling a set again
 * (every time the JIT installs a trace) reuses the code and constant pool of traces whose
 * inputs did not change.
 */
interface Generated {
  readonly key: string;
  readonly links: ReadonlyMap<number, number>;
  readonly result: AssembledTrace;
  /** The constant pool followed by the stack-overflow stub, placed just before the code. */
  readonly prelude: Uint8Array;
}
const generated = new WeakMap<Trace, Generated>();
/** The exit branches of each generated code, found once (exit patching needs them on every assembly). */
const branchCache = new WeakMap<Generated, readonly ExitBranch[]>();
function branchesOf(g: Generated): readonly ExitBranch[] {
  let branches = branchCache.get(g);
  if (!branches) branchCache.set(g, (branches = exitBranches(g.result.bytes, g.result.address, g.result.trace.number)));
  return branches;
}

/** Exit stub groups by number and address: the same bytes every time (the JIT reserves them all on every assembly). */
const stubGroupCache = new Map<string, ExitStubGroup>();

/** The constant pool at `at`, then `jmp [rip+cell]` to exit stub 0 (the Lua stack check's way out). */
function poolAndPrelude(trace: Trace, at: number, stub0: number): { pool: ConstPool; prelude: Uint8Array; overflowAt: number } {
  const pool = buildConstPool(trace, at, [BigInt(stub0)]);
  // An indirect jump, so exit patching never retargets it.
  const overflowAt = at + pool.bytes.length;
  const overflow = encodeSequence(overflowAt, [{ input: { mnemonic: 'jmp', operands: [{ kind: 'mem', width: 64, base: 'rip', scale: 1, disp: pool.address(BigInt(stub0)) - (overflowAt + JMP_RIP_LENGTH) }] } }]);
  const prelude = new Uint8Array(pool.bytes.length + OVERFLOW_STUB_BYTES);
  prelude.set(pool.bytes);
  prelude.set(overflow.bytes, pool.bytes.length);
  return { pool, prelude, overflowAt };
}

export function assembleTraceSet(set: TraceSet, opts: AssembleOptions = {}): AssembledSet {
  const base = opts.mcodeBase ?? REGIONS.mcode.base;
  const order = parentsFirst(set);
  const exits = Math.max(1, ...set.traces.map((t) => t.snapshots.length));
  const groupCount = Math.max(opts.stubGroups ?? 0, Math.ceil(exits / EXIT_STUB_LAYOUT.stubsPerGroup));
  if (groupCount > EXIT_STUB_LAYOUT.maxGroups) {
    throw new AsmError('trace set', `a trace has ${exits} exits; LuaJIT's exit stubs reach ${EXIT_STUB_LAYOUT.maxGroups * EXIT_STUB_LAYOUT.stubsPerGroup}`);
  }
  const stubGroups: ExitStubGroup[] = [];
  let cursor = base;
  for (let g = 0; g < groupCount; g++) {
    const key = `${g}@${cursor}`;
    let group = stubGroupCache.get(key);
    if (!group) stubGroupCache.set(key, (group = exitStubGroup(g, cursor, trapAddress('exit_handler'))));
    stubGroups.push(group);
    cursor = align(cursor + group.bytes.length);
  }
  const groupAddresses = stubGroups.map((g) => g.address);
  const stubAddress = (exit: number): number => exitStubAddress(groupAddresses, exit);

  // What a trace's code depends on besides its own IR: where it goes, the stub layout, the
  // register budget, the return sites its RETFs check and its parent's code (by that code's key).
  const setKey = `${base}|${groupCount}|${opts.regs}`;
  const sitesKey = (trace: Trace): string => {
    const pointers = new Set(trace.consts.flatMap((k) => (k.op === 'KPTR' ? [k.address] : [])));
    return set.returnSites.filter((s) => pointers.has(s.pc)).map((s) => `${s.pc}:${s.delta}`).join(',');
  };
  const inSet = new Set(set.traces.map((t) => t.number));
  /** Places every trace; links to traces placed later take their address from `guesses`. */
  const pass = (guesses: ReadonlyMap<number, number>): Generated[] => {
    const done = new Map<number, Generated>();
    let at = cursor;
    for (const trace of order) {
      const key = `${setKey}|${sitesKey(trace)}|${at}|${trace.start.kind === 'side' ? done.get(trace.start.parent)!.key : ''}`;
      const cached = generated.get(trace);
      const address = cached?.key === key ? cached.result.address : undefined;
      const linkAddress = (n: number): number => {
        if (!inSet.has(n)) throw new AsmError(traceLocation(trace.number), `links to trace ${n}, which is not in the trace set`);
        return n === trace.number && address !== undefined ? address : done.get(n)?.result.address ?? guesses.get(n) ?? base;
      };
      let entry: Generated;
      if (cached && address !== undefined && [...cached.links].every(([n, a]) => linkAddress(n) === a)) {
        entry = cached;
      } else {
        const { pool, prelude, overflowAt } = poolAndPrelude(trace, at, stubAddress(0));
        const self = overflowAt + OVERFLOW_STUB_BYTES;
        const links = new Map<number, number>();
        const result = generateTrace({
          trace,
          pool,
          address: self,
          stackOverflowExit: overflowAt,
          regs: opts.regs,
          stubAddress,
          linkAddress: (n) => {
            const target = n === trace.number ? self : linkAddress(n);
            links.set(n, target);
            return target;
          },
          ...(trace.start.kind === 'side' ? { parent: done.get(trace.start.parent)!.result } : {}),
          returnSites: set.returnSites,
        });
        entry = { key, links, result, prelude };
        generated.set(trace, entry);
      }
      done.set(trace.number, entry);
      at = align(entry.result.address + entry.result.bytes.length);
    }
    return order.map((t) => done.get(t.number)!);
  };
  // A link to a trace placed later is encoded with a guess (where that trace was last put);
  // a second pass is needed only when a guess was wrong.
  const previous = new Map(set.traces.flatMap((t) => { const g = generated.get(t); return g ? [[t.number, g.result.address] as const] : []; }));
  let entries = pass(previous);
  const final = new Map(entries.map((g) => [g.result.trace.number, g.result.address]));
  if (entries.some((g) => [...g.links].some(([n, a]) => final.get(n) !== a))) entries = pass(final);
  // Copies, since exit patching writes into them.
  const traces = entries.map((g): AssembledTrace => ({ ...g.result, bytes: g.result.bytes.slice() }));
  const preludes = new Map(entries.map((g) => [g.result.trace.number, g.prelude]));

  const byNumber = new Map(traces.map((t) => [t.trace.number, t]));
  const entryOf = new Map(entries.map((g) => [g.result.trace.number, g]));
  for (const t of traces) {
    if (t.trace.start.kind !== 'side') continue;
    const parent = byNumber.get(t.trace.start.parent)!;
    patchExit(parent.bytes, parent.address, stubAddress(t.trace.start.exit), t.address, parent.trace.number, branchesOf(entryOf.get(parent.trace.number)!));
  }
  const chunks = [
    ...stubGroups.map((g) => ({ address: g.address, bytes: g.bytes })),
    ...traces.flatMap((t) => {
      const pool = preludes.get(t.trace.number)!;
      return [{ address: t.address - pool.length, bytes: pool }, { address: t.address, bytes: t.bytes }];
    }),
  ];
  return { traces, stubGroups, chunks };
}
