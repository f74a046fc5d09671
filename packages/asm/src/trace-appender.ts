// The mcode area as traces are added one by one (what a JIT does): exit-stub groups first
// (shared by all traces, as LuaJIT's are), then each trace behind its constant pool, at the
// next 16-byte boundary. Adding a trace generates only its code, and patches its parent's
// exit branches to jump straight into it (lj_asm_patchexit); nothing placed before moves.

import { REGIONS, trapAddress } from '@tracesim/machine';
import { traceLocation, type ReturnSite, type Trace } from '@tracesim/ir';
import type { AssembledTrace } from './assembled';
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

/** Bytes to load at an address. */
export interface CodeChunk {
  readonly address: number;
  readonly bytes: Uint8Array;
}

const ALIGN = 16;
/** `jmp qword [rip+disp32]` is 6 bytes; the slot keeps the head 8-byte aligned after the pool. */
const JMP_RIP_LENGTH = 6;
const OVERFLOW_STUB_BYTES = 8;
const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** Exit stub groups by number and address: the same bytes every time. */
const stubGroupCache = new Map<string, ExitStubGroup>();

export class TraceAppender {
  readonly stubGroups: readonly ExitStubGroup[];
  private readonly groupAddresses: readonly number[];
  private readonly placed = new Map<number, { readonly assembled: AssembledTrace; readonly prelude: CodeChunk }>();
  private readonly order: AssembledTrace[] = [];
  private cursor: number;

  constructor(private readonly opts: AssembleOptions = {}) {
    const groups: ExitStubGroup[] = [];
    let cursor = opts.mcodeBase ?? REGIONS.mcode.base;
    for (let g = 0; g < Math.max(1, opts.stubGroups ?? 1); g++) {
      const key = `${g}@${cursor}`;
      let group = stubGroupCache.get(key);
      if (!group) stubGroupCache.set(key, (group = exitStubGroup(g, cursor, trapAddress('exit_handler'))));
      groups.push(group);
      cursor = align(cursor + group.bytes.length);
    }
    this.stubGroups = groups;
    this.groupAddresses = groups.map((g) => g.address);
    this.cursor = cursor;
  }

  /** The first byte after the last trace. */
  get end(): number {
    return this.cursor;
  }

  /** The traces in the order they were added, with their parents' exits patched. */
  get traces(): readonly AssembledTrace[] {
    return this.order;
  }

  get(trace: number): AssembledTrace | undefined {
    return this.placed.get(trace)?.assembled;
  }

  /** Every chunk to load: the stub groups, then each trace's pool and code. */
  chunks(): CodeChunk[] {
    return [...this.stubGroups.map((g) => ({ address: g.address, bytes: g.bytes })), ...this.order.flatMap((t) => [this.placed.get(t.trace.number)!.prelude, { address: t.address, bytes: t.bytes }])];
  }

  private stubAddress = (exit: number): number => {
    if (exit >= this.stubGroups.length * EXIT_STUB_LAYOUT.stubsPerGroup) {
      throw new AsmError('trace set', `a trace has ${exit + 1} exits; the ${this.stubGroups.length} exit stub group(s) laid out reach ${this.stubGroups.length * EXIT_STUB_LAYOUT.stubsPerGroup}`);
    }
    return exitStubAddress(this.groupAddresses, exit);
  };

  /**
   * Generates `trace` at the end of the area and patches its parent's exit to it. Links go to
   * traces already added, to the trace itself, or to `forward(n)` (a trace added later, whose
   * address the caller knows). Answers the chunks written: the new pool and code, and the
   * parent's patched code. Throws AsmError, adding nothing, when the backend refuses the trace.
   */
  append(trace: Trace, returnSites: readonly ReturnSite[], forward?: (trace: number) => number | undefined): CodeChunk[] {
    if (this.placed.has(trace.number)) throw new AsmError(traceLocation(trace.number), `trace ${trace.number} is already in the trace set`);
    const parent = trace.start.kind === 'side' ? this.placed.get(trace.start.parent) : undefined;
    if (trace.start.kind === 'side' && !parent) throw new AsmError(traceLocation(trace.number), `side trace of trace ${trace.start.parent}, which is not in the trace set`);
    const stub0 = this.stubAddress(0);
    const at = this.cursor;
    const pool = buildConstPool(trace, at, [BigInt(stub0)]);
    // Between the pool and the head: the Lua stack check's way out, `jmp [rip+cell]` to exit
    // stub 0 (an indirect jump, so exit patching never retargets it).
    const overflowAt = at + pool.bytes.length;
    const overflow = encodeSequence(overflowAt, [{ input: { mnemonic: 'jmp', operands: [{ kind: 'mem', width: 64, base: 'rip', scale: 1, disp: pool.address(BigInt(stub0)) - (overflowAt + JMP_RIP_LENGTH) }] } }]);
    const preludeBytes = new Uint8Array(pool.bytes.length + OVERFLOW_STUB_BYTES);
    preludeBytes.set(pool.bytes);
    preludeBytes.set(overflow.bytes, pool.bytes.length);
    const address = overflowAt + OVERFLOW_STUB_BYTES;
    const assembled = generateTrace({
      trace,
      pool,
      address,
      stackOverflowExit: overflowAt,
      regs: this.opts.regs,
      stubAddress: this.stubAddress,
      linkAddress: (n) => {
        const target = n === trace.number ? address : this.placed.get(n)?.assembled.address ?? forward?.(n);
        if (target === undefined) throw new AsmError(traceLocation(trace.number), `links to trace ${n}, which is not in the trace set`);
        return target;
      },
      ...(parent ? { parent: parent.assembled } : {}),
      returnSites,
    });
    const prelude = { address: at, bytes: preludeBytes };
    const written: CodeChunk[] = [prelude, { address, bytes: assembled.bytes }];
    if (parent && trace.start.kind === 'side') {
      const p = parent.assembled;
      patchExit(p.bytes, p.address, this.stubAddress(trace.start.exit), address, p.trace.number, p.exitBranches);
      written.push({ address: p.address, bytes: p.bytes });
    }
    this.placed.set(trace.number, { assembled, prelude });
    this.order.push(assembled);
    this.cursor = align(address + assembled.bytes.length);
    return written;
  }
}
