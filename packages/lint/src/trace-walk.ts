// Tracks rsp − rsp0 symbolically along every path of one trace's mcode, from its entry to each
// exit stub, tail jump and call, and checks each against the host-stack contract (DESIGN.md).
// Every instruction is visited once: a second path reaching it must bring the same rsp.
import { CONTRACT_WORDING, frameSlotName } from '@tracesim/cpu-sim';
import { SELF_LINKS } from '@tracesim/ir';
import { ParseError, parseInstructionText, type InstructionInput } from '@tracesim/x86';
import type { DumpTrace, McodeLine } from './dump-reader';
import type { Finding, FindingKind } from './findings';
import { rspText } from './findings';
import { instructionEffect, unparsedEffect, type InstructionEffect } from './rsp-effects';

const R14 = 14;
/** Bytes at [rsp0, rsp0+8): the two fixed spill slots, the last bytes a trace may write. */
const FIXED_SLOT_END = 8;

/** What the lint knows about the traces around the one it walks. */
export interface WalkContext {
  readonly file: string;
  /** rsp − rsp0 on entry: 0 for a root, −parent.spadjust for a side trace. */
  readonly entryOffset: number;
  /** The parent's frame size, for a side trace. */
  readonly parentAdjust?: number;
  /** `1 →exit 0→ 4`: how the trace is reached. */
  readonly chain: string;
  /** rsp − rsp0 that entering the trace starting at an address needs (other traces of the dump). */
  readonly entryAt: (address: number) => { readonly trace: number; readonly offset: number } | undefined;
}

export interface WalkResult {
  /** The frame the trace runs in (−rsp at its vmstate store); undefined if it has none. */
  readonly spadjust?: number;
  readonly findings: Finding[];
}

interface PathState {
  readonly offset: number;
  /** The head's vmstate store has run: exits now belong to this trace, not the parent. */
  readonly own: boolean;
}

interface Decoded {
  readonly line: McodeLine;
  readonly input?: InstructionInput;
  readonly effect: InstructionEffect;
}

function decode(line: McodeLine): Decoded {
  try {
    const parsed = parseInstructionText(line.text, line.line);
    if (parsed) return { line, input: parsed.input, effect: instructionEffect(parsed.input) };
  } catch (err) {
    // An instruction outside tracesim's form table: only what its text shows is known.
    if (!(err instanceof ParseError)) throw err;
  }
  return { line, effect: unparsedEffect(line.text) };
}

/** `mov dword [r14±d], N`: the head's store of the trace number to g->vmstate. */
function isVmstateStore(input: InstructionInput | undefined, trace: number): boolean {
  if (input?.mnemonic !== 'mov') return false;
  const [dst, src] = input.operands;
  return dst?.kind === 'mem' && dst.base === R14 && src?.kind === 'imm' && Number(src.value) === trace;
}

export function walkTrace(trace: DumpTrace, ctx: WalkContext): WalkResult {
  const code = trace.mcode.map(decode);
  const indexOf = new Map(code.map((d, i) => [d.line.address, i]));
  const findings: Finding[] = [];
  const flagged = new Set<string>();
  const seen = new Map<number, PathState>();
  const start = code[0]?.line.address;
  const isSide = ctx.parentAdjust !== undefined;
  let spadjust: number | undefined;

  const report = (kind: FindingKind, at: Decoded | undefined, explanation: string,
    offsets: { expected?: number; actual?: number; exit?: number; chainTail?: string } = {}): void => {
    const key = `${kind}:${at?.line.address ?? ''}`;
    if (flagged.has(key)) return;
    flagged.add(key);
    findings.push({
      kind, trace: trace.number, ...(offsets.exit === undefined ? {} : { exit: offsets.exit }),
      address: at?.line.address ?? 0, instruction: at?.line.text ?? '(trace header)',
      location: `${ctx.file}:${at?.line.line ?? trace.line}`,
      ...(offsets.expected === undefined ? {} : { expectedOffset: offsets.expected }),
      ...(offsets.actual === undefined ? {} : { actualOffset: offsets.actual }),
      ...(offsets.expected === undefined || offsets.actual === undefined ? {} : { delta: offsets.actual - offsets.expected }),
      chain: ctx.chain + (offsets.chainTail ?? ''), sourceLine: trace.location, explanation,
    });
  };

  /** A jump to exit stub `exit`: rsp must be rsp0 − spadjust of the trace vmstate names. */
  const checkExit = (at: Decoded, exit: number, state: PathState): void => {
    const owner = state.own || !isSide ? spadjust ?? 0 - ctx.entryOffset : ctx.parentAdjust as number;
    const expected = 0 - owner;
    if (state.offset === expected) return;
    const exitTrace = state.own || !isSide ? trace.number : (trace.parent as { trace: number }).trace;
    report('guard-exit', at, CONTRACT_WORDING.guardExit(exitTrace, exit, owner, state.offset - expected),
      { expected, actual: state.offset, exit });
  };

  /** A jump that leaves the trace's own code: a link to a trace start or to exit_interp. */
  const checkTail = (at: Decoded, target: number | undefined, state: PathState): void => {
    if (target !== undefined && target === start) {
      const expected = ctx.entryOffset;
      if (state.offset === expected) return;
      const delta = state.offset - expected;
      const parent = trace.parent?.trace as number;
      const linkKind = SELF_LINKS.has(trace.link.kind) ? trace.link.kind : undefined;
      const explanation = !isSide ? CONTRACT_WORDING.rootEntry(trace.number, delta)
        : delta === ctx.parentAdjust ? CONTRACT_WORDING.selfLinkDrift(trace.number, parent, delta, linkKind)
          : CONTRACT_WORDING.sideEntry(trace.number, parent, ctx.parentAdjust as number, delta);
      report(isSide ? 'side-entry' : 'root-entry', at, explanation, { expected, actual: state.offset, chainTail: ` → ${trace.number}` });
      return;
    }
    const entry = target === undefined ? undefined : ctx.entryAt(target);
    if (entry) {
      if (state.offset !== entry.offset) {
        report('root-entry', at, CONTRACT_WORDING.rootEntry(entry.trace, state.offset - entry.offset),
          { expected: entry.offset, actual: state.offset, chainTail: ` → ${entry.trace}` });
      }
      return;
    }
    // Outside every trace of the dump: the stop line says what the tail links to.
    const link = trace.link;
    if (link.kind === 'root' || SELF_LINKS.has(link.kind)) {
      const expected = link.kind === 'root' ? 0 : ctx.entryOffset;
      if (state.offset !== expected) {
        report('root-entry', at, CONTRACT_WORDING.rootEntry(link.target, state.offset - expected),
          { expected, actual: state.offset, chainTail: ` → ${link.target}` });
      }
      return;
    }
    if (state.offset !== 0) report('exit-interp', at, CONTRACT_WORDING.exitInterp(state.offset), { expected: 0, actual: state.offset });
  };

  const work: { index: number; state: PathState }[] = code.length > 0 ? [{ index: 0, state: { offset: ctx.entryOffset, own: false } }] : [];
  const follow = (index: number, state: PathState, at: Decoded): void => {
    if (index >= code.length) {
      report('unknown', at, `the path after this instruction runs off the end of trace ${trace.number}'s listing`, { actual: state.offset });
      return;
    }
    work.push({ index, state });
  };

  while (work.length > 0) {
    const { index, state: arrived } = work.pop() as { index: number; state: PathState };
    const at = code[index];
    const before = seen.get(index);
    if (before) {
      if (before.offset !== arrived.offset) {
        report('unknown', at, `two paths reach this instruction with rsp at ${rspText(before.offset)} and ${rspText(arrived.offset)}`,
          { expected: before.offset, actual: arrived.offset });
      }
      continue;
    }
    seen.set(index, arrived);
    let state = arrived;
    if (!state.own && isVmstateStore(at.input, trace.number)) {
      state = { offset: state.offset, own: true };
      spadjust ??= 0 - state.offset;
    }
    const { flow, rsp, write } = at.effect;
    if (write && state.offset + write.disp + write.bytes > FIXED_SLOT_END) {
      const first = Math.max(state.offset + write.disp, FIXED_SLOT_END);
      report('c-frame-write', at, CONTRACT_WORDING.cFrameWrite(write.bytes, first, frameSlotName(first)), { actual: state.offset });
    }
    if (flow.kind === 'call' && state.offset % 16 !== 0) {
      report('helper-alignment', at, CONTRACT_WORDING.helperAlignment(at.line.note ?? 'at ' + at.line.text.slice(5), ((state.offset % 16) + 16) % 16), { actual: state.offset });
    }
    if (rsp.kind === 'unknown') {
      report('unknown', at, `this instruction writes rsp in a way the lint cannot follow; the paths through it are not checked`, { actual: state.offset });
      continue;
    }
    if (rsp.kind === 'adjust') {
      state = { offset: state.offset + rsp.bytes, own: state.own };
      if (state.offset > 0) report('rsp-above-rsp0', at, CONTRACT_WORDING.rspAboveRsp0(state.offset), { expected: 0, actual: state.offset });
    }
    const exit = at.line.note !== undefined && /^\d+$/.test(at.line.note) ? Number(at.line.note) : undefined;
    switch (flow.kind) {
      case 'next':
      case 'call':
        follow(index + 1, state, at);
        break;
      case 'end':
        report('unknown', at, `\`${flow.mnemonic}\` in trace code: no trace leaves this way`, { actual: state.offset });
        break;
      case 'branch':
      case 'jump': {
        if (flow.kind === 'branch') follow(index + 1, state, at);
        const target = flow.target;
        if (exit !== undefined) checkExit(at, exit, state);
        else if (target !== undefined && target !== start && indexOf.has(target)) follow(indexOf.get(target) as number, state, at);
        else checkTail(at, target, state);
        break;
      }
    }
  }
  if (code.length > 0 && spadjust === undefined) {
    report('unknown', code[0], `no \`mov dword [r14+…], ${trace.number}\` (the head's vmstate store) on any path: the frame size is unknown`);
  }
  return { ...(spadjust === undefined ? {} : { spadjust }), findings };
}
