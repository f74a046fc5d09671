// A lint finding: the monitor's violation fields (kind, trace and exit, address and instruction,
// expected and actual rsp, delta, chain, cause), with rsp given as an offset from rsp0 because a
// listing has no absolute rsp, and the dump line where the instruction is.
import type { ViolationKind } from '@tracesim/cpu-sim';

export type FindingKind =
  | ViolationKind
  /** An instruction writes rsp in a way the lint cannot follow, or paths meet with different rsp. */
  | 'unknown'
  /** The frame the code sets up disagrees with the spill slots the `r` column shows. */
  | 'frame-size';

export interface Finding {
  readonly kind: FindingKind;
  readonly trace: number;
  readonly exit?: number;
  readonly address: number;
  /** The instruction as the dump prints it. */
  readonly instruction: string;
  /** `file:line` of the instruction (or of the trace header) in the dump. */
  readonly location: string;
  /** rsp − rsp0 the contract expects here, and the one the code has. */
  readonly expectedOffset?: number;
  readonly actualOffset?: number;
  /** actual − expected. */
  readonly delta?: number;
  /** The traces from the root down to this one, with the link that repeats, e.g. `1 →exit 0→ 4 →exit 0→ 5 → 5`. */
  readonly chain: string;
  /** `chunk:line` where the trace started recording. */
  readonly sourceLine: string;
  readonly explanation: string;
}

const hex = (n: number) => '0x' + Math.abs(n).toString(16);
/** An rsp offset as `rsp0`, `rsp0-0x10` or `rsp0+0x8`. */
export const rspText = (offset: number) => (offset === 0 ? 'rsp0' : `rsp0${offset < 0 ? '-' : '+'}${hex(offset)}`);
const signedHex = (n: number) => (n < 0 ? '-' : '+') + hex(n);

/** One finding for people, in the shape of the monitor's `describeViolation`. */
export function describeFinding(f: Finding): string {
  const rsp = f.expectedOffset === undefined
    ? f.actualOffset === undefined ? 'rsp unknown' : `rsp ${rspText(f.actualOffset)}`
    : `rsp ${rspText(f.actualOffset as number)}, expected ${rspText(f.expectedOffset)} (delta ${signedHex(f.delta as number)})`;
  const where = `trace ${f.trace}${f.exit === undefined ? '' : ` exit ${f.exit}`}`;
  return `${f.kind} in ${where} at 0x${f.address.toString(16)} (${f.instruction}): ${rsp}; chain ${f.chain}; ${f.sourceLine} (${f.location})\n  ${f.explanation}`;
}

/** The stable JSON form: every field, absent ones as null; rsp as `rsp0-0x10`, delta as `+0x10`. */
export function findingJson(f: Finding): Record<string, string | number | null> {
  const optional = (n: number | undefined, text: (n: number) => string) => (n === undefined ? null : text(n));
  return {
    kind: f.kind, trace: f.trace, exit: f.exit ?? null,
    address: '0x' + f.address.toString(16), instruction: f.instruction, location: f.location,
    expectedRsp: optional(f.expectedOffset, rspText), actualRsp: optional(f.actualOffset, rspText), delta: optional(f.delta, signedHex),
    chain: f.chain, sourceLine: f.sourceLine, explanation: f.explanation,
  };
}
