// Assembles a trace set into the mcode area: exit-stub groups first (shared by all traces, as
// LuaJIT's are), then each trace behind its constant pool, parents before their side traces.
// Two passes: the first fixes every trace's address (code size does not depend on link
// targets: tails always use `jmp rel32`), the second encodes the tails' real targets. Finally
// each parent's exit branches are patched to jump straight into their side traces.

import { REGIONS, trapAddress } from '@tracesim/machine';
import { findTrace, traceLocation, type Trace, type TraceSet } from '@tracesim/ir';
import type { AssembledSet, AssembledTrace } from './assembled';
import { generateTrace } from './codegen';
import { buildConstPool } from './const-pool';
import { AsmError } from './errors';
import { patchExit } from './exit-patch';
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

/** Traces ordered so that every side trace comes after its parent. */
function parentsFirst(set: TraceSet): Trace[] {
  const placed = new Set<number>();
  const order: Trace[] = [];
  let pending = [...set.traces];
  while (pending.length > 0) {
    const ready = pending.filter((t) => t.start.kind !== 'side' || placed.has(t.start.parent));
    if (ready.length === 0) {
      const t = pending[0];
      const parent = t.start.kind === 'side' ? t.start.parent : 0;
      throw new AsmError(traceLocation(t.number), findTrace(set, parent) ? `side traces ${pending.map((p) => p.number).join(', ')} form a parent cycle` : `side trace of trace ${parent}, which is not in the trace set`);
    }
    for (const t of ready) {
      placed.add(t.number);
      order.push(t);
    }
    pending = pending.filter((t) => !placed.has(t.number));
  }
  return order;
}

/**
 * Each trace's last generated code with what it was generated from: assembling a set again
 * (every time the JIT installs a trace) reuses the code of traces whose inputs did not change.
 */
const generated = new WeakMap<Trace, { readonly key: string; readonly links: ReadonlyMap<number, number>; readonly result: AssembledTrace }>();

/** Exit stub groups by number and address: the same bytes every time (the JIT reserves them all on every assembly). */
const stubGroupCache = new Map<string, ExitStubGroup>();

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

  const pools = new Map<number, Uint8Array>();
  // What a trace's code depends on besides its own IR: where it goes, the stub layout, the
  // register budget, the return sites and its parent's code (by that code's own key).
  const setKey = `${base}|${groupCount}|${opts.regs}|${JSON.stringify(set.returnSites, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  const keys = new Map<number, string>();
  const pass = (addresses: ReadonlyMap<number, number>): AssembledTrace[] => {
    const done = new Map<number, AssembledTrace>();
    let at = cursor;
    for (const trace of order) {
      const pool = buildConstPool(trace, at, [BigInt(stubAddress(0))]);
      // Between the pool and the head: the Lua stack check's way out, `jmp [rip+cell]` to
      // exit stub 0 (an indirect jump, so exit patching never retargets it).
      const overflowAt = at + pool.bytes.length;
      const overflow = encodeSequence(overflowAt, [{ input: { mnemonic: 'jmp', operands: [{ kind: 'mem', width: 64, base: 'rip', scale: 1, disp: pool.address(BigInt(stubAddress(0))) - (overflowAt + JMP_RIP_LENGTH) }] } }]);
      const prelude = new Uint8Array(OVERFLOW_STUB_BYTES);
      prelude.set(overflow.bytes);
      const withPrelude = new Uint8Array(pool.bytes.length + OVERFLOW_STUB_BYTES);
      withPrelude.set(pool.bytes);
      withPrelude.set(prelude, pool.bytes.length);
      pools.set(trace.number, withPrelude);
      const key = `${setKey}|${at}|${trace.start.kind === 'side' ? keys.get(trace.start.parent) : ''}`;
      keys.set(trace.number, key);
      const cached = generated.get(trace);
      const linkAddress = (n: number): number => {
        const target = addresses.get(n);
        if (target === undefined && !findTrace(set, n)) throw new AsmError(traceLocation(trace.number), `links to trace ${n}, which is not in the trace set`);
        return target ?? base;
      };
      let assembled: AssembledTrace;
      if (cached && cached.key === key && [...cached.links].every(([n, address]) => linkAddress(n) === address)) {
        // Same inputs: the same code (a copy, since exit patching writes into it).
        assembled = { ...cached.result, bytes: cached.result.bytes.slice() };
      } else {
        const links = new Map<number, number>();
        assembled = generateTrace({
          trace,
          pool,
          address: overflowAt + OVERFLOW_STUB_BYTES,
          stackOverflowExit: overflowAt,
          regs: opts.regs,
          stubAddress,
          linkAddress: (n) => {
            const address = linkAddress(n);
            links.set(n, address);
            return address;
          },
          ...(trace.start.kind === 'side' ? { parent: done.get(trace.start.parent) } : {}),
          returnSites: set.returnSites,
        });
        generated.set(trace, { key, links, result: { ...assembled, bytes: assembled.bytes.slice() } });
      }
      done.set(trace.number, assembled);
      at = align(assembled.address + assembled.bytes.length);
    }
    return order.map((t) => done.get(t.number)!);
  };
  // The first pass takes each trace where the last assembly put it, so that an unchanged
  // layout (a new trace appended) reuses every other trace's code in both passes.
  const first = pass(new Map(set.traces.flatMap((t) => { const g = generated.get(t); return g ? [[t.number, g.result.address] as const] : []; })));
  const traces = pass(new Map(first.map((t) => [t.trace.number, t.address])));

  const byNumber = new Map(traces.map((t) => [t.trace.number, t]));
  for (const t of traces) {
    if (t.trace.start.kind !== 'side') continue;
    const parent = byNumber.get(t.trace.start.parent)!;
    patchExit(parent.bytes, parent.address, stubAddress(t.trace.start.exit), t.address, parent.trace.number);
  }
  const chunks = [
    ...stubGroups.map((g) => ({ address: g.address, bytes: g.bytes })),
    ...traces.flatMap((t) => {
      const pool = pools.get(t.trace.number)!;
      return [{ address: t.address - pool.length, bytes: pool }, { address: t.address, bytes: t.bytes }];
    }),
  ];
  return { traces, stubGroups, chunks };
}
