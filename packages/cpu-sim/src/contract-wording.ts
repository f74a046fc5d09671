// The one-line causes of host-stack contract violations, worded once for the dynamic monitor
// (which sees rsp as the CPU runs) and the static lint (which tracks rsp through a listing).
import { hex } from './faults';

/** `exactly`, or `0x10 bytes above` / `0x10 bytes below`, for a delta from an expected rsp. */
export function offsetText(delta: number): string {
  return delta === 0 ? 'exactly' : `${hex(Math.abs(delta))} bytes ${delta > 0 ? 'above' : 'below'}`;
}

export const CONTRACT_WORDING = {
  rootEntry: (trace: number, delta: number) =>
    `root trace ${trace} must be entered with rsp == rsp0, but rsp is ${offsetText(delta)} it`,
  /** LuaJIT #1169: a side trace's self-link re-runs only its head's delta, so each lap leaves rsp higher. */
  selfLinkDrift: (trace: number, parent: number, parentAdjust: number, linkKind?: string) =>
    `side trace ${trace} links to itself${linkKind ? ` by ${linkKind}` : ''} but inherits ${hex(parentAdjust)} bytes of trace ${parent}'s frame: each lap raises rsp by ${hex(parentAdjust)} (LuaJIT #1169)`,
  sideEntry: (trace: number, parent: number, parentAdjust: number, delta: number) =>
    `side trace ${trace} must start inside trace ${parent}'s frame (rsp0 - ${hex(parentAdjust)}), but rsp is ${offsetText(delta)} that`,
  guardExit: (trace: number, exit: number, spadjust: number, delta: number) =>
    `exit ${exit} of trace ${trace} is taken with rsp ${offsetText(delta)} rsp0 - spadjust (${hex(spadjust)}): the exit handler reads the spill slots from the wrong place`,
  exitInterp: (delta: number) =>
    `the tail jump to exit_interp needs rsp == rsp0, but rsp is ${offsetText(delta)} it: the interpreter would take its C frame from rsp + 16`,
  helperAlignment: (helper: string, residue: number) =>
    `call to helper ${helper} with rsp ≡ ${residue} (mod 16) before the call: the SysV ABI needs 16-byte alignment`,
  rspAboveRsp0: (above: number) =>
    `rsp rose ${hex(above)} bytes above rsp0 in trace code: the trace's frame now overlaps the interpreter's C frame`,
  cFrameWrite: (size: number, offset: number, slot: string) =>
    `trace code wrote ${size} bytes at rsp0+${hex(offset)} (${slot}): the interpreter's C frame above rsp0+8 must stay intact`,
} as const;

/** Names of the C frame's 8-byte slots by offset from R (= rsp0 + 16), POSIX x64 GC64. */
const FRAME_SLOTS: Readonly<Record<number, string>> = {
  [-8]: 'saved r13', 0: 'saved r12 / TMP1', 8: 'SAVE_NRES / SAVE_ERRF', 16: 'SAVE_L', 24: 'SAVE_PC', 32: 'SAVE_CFRAME',
  40: 'saved rbp', 48: 'saved rbx', 56: 'saved r15', 64: 'saved r14', 72: 'return address',
};

/** The C-frame slot holding byte `offset` above rsp0 (offset ≥ 8). */
export function frameSlotName(offset: number): string {
  const fromR = Math.floor((offset - 16) / 8) * 8;
  return FRAME_SLOTS[fromR] ?? `R${fromR < 0 ? '-' : '+'}${hex(Math.abs(fromR))}`;
}
