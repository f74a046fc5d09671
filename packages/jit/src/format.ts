// The replay log for people and for machines: one stable text line per event (a violation
// adds one indented explanation line, as describeViolation gives it) and a JSON form with
// every number spelled the same way each run (addresses and TValue bits as hex strings).
import { describeViolation, type Violation } from '@tracesim/cpu-sim';
import { describeWords, wordsToBits, type RestoredSlot } from '@tracesim/ir';
import type { TValueWords } from '@tracesim/machine';
import { hex } from './errors';
import type { ReplayEvent } from './events';
import type { ReplayResult } from './replay';

function restoredText(restored: readonly RestoredSlot[]): string {
  return restored.length === 0 ? '' : ' restored' + restored.map((s) => ` #${s.slot}=${describeWords(s.words)}`).join('');
}

export function formatReplayEvent(e: ReplayEvent): string {
  switch (e.kind) {
    case 'enter':
      return `enter ${e.trace} rsp=${hex(e.rsp)}`;
    case 'exit':
      return `exit ${e.trace}/${e.exit} #${e.count} rsp=${hex(e.rsp)} base=${e.base}${restoredText(e.restored)}`;
    case 'side':
      return `side ${e.trace}/${e.exit} #${e.count} -> ${e.side} rsp=${hex(e.rsp)}`;
    case 'link':
      return `link ${e.trace} -> ${e.to} (${e.link}) rsp=${hex(e.rsp)} base=${e.base}${restoredText(e.restored)}`;
    case 'interpreter':
      return `interpreter ${e.trace} (${e.link}) rsp=${hex(e.rsp)} base=${e.base}${restoredText(e.restored)}`;
    case 'violation':
      return `violation ${describeViolation(e.violation)}`;
  }
}

/** The whole log, one event per line (violations with their explanation line), newline-terminated. */
export function formatReplayLog(events: readonly ReplayEvent[]): string {
  return events.map((e) => formatReplayEvent(e) + '\n').join('');
}

const bitsText = (w: TValueWords): string => '0x' + wordsToBits(w).toString(16).padStart(16, '0');
const optionalHex = (n: number | undefined): string | null => (n === undefined ? null : hex(n));
const signedHex = (n: number | undefined): string | null => (n === undefined ? null : (n < 0 ? '-' : '+') + hex(Math.abs(n)));

function restoredJson(restored: readonly RestoredSlot[]): object[] {
  return restored.map((s) => ({ slot: s.slot, index: s.index, value: describeWords(s.words), bits: bitsText(s.words) }));
}

export function violationJson(v: Violation): object {
  return {
    kind: v.kind, trace: v.trace ?? null, exit: v.exit ?? null, address: hex(v.address), instruction: v.instruction,
    expectedRsp: optionalHex(v.expectedRsp), actualRsp: hex(v.actualRsp), delta: signedHex(v.delta),
    chain: v.chain, sourceLine: v.sourceLine ?? null, explanation: v.explanation,
  };
}

export function replayEventJson(e: ReplayEvent): object {
  switch (e.kind) {
    case 'enter':
      return { kind: e.kind, trace: e.trace, rsp: hex(e.rsp) };
    case 'exit':
      return { kind: e.kind, trace: e.trace, exit: e.exit, count: e.count, rsp: hex(e.rsp), base: e.base, restored: restoredJson(e.restored) };
    case 'side':
      return { kind: e.kind, trace: e.trace, exit: e.exit, count: e.count, side: e.side, rsp: hex(e.rsp) };
    case 'link':
      return { kind: e.kind, trace: e.trace, link: e.link, to: e.to, rsp: hex(e.rsp), base: e.base, restored: restoredJson(e.restored) };
    case 'interpreter':
      return { kind: e.kind, trace: e.trace, link: e.link, rsp: hex(e.rsp), base: e.base, restored: restoredJson(e.restored) };
    case 'violation':
      return { kind: e.kind, violation: violationJson(e.violation) };
  }
}

/** The result as a JSON-ready object: events, violation count, final BASE and the stack's bits. */
export function replayJson(result: ReplayResult): object {
  return {
    events: result.events.map(replayEventJson),
    violations: result.violations.length,
    base: result.base,
    stack: result.stack.map(bitsText),
  };
}
