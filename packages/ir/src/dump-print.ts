// Prints a trace the way LuaJIT's jit/dump.lua does with flags t, i, s (and r for the register
// column): the start line, `---- TRACE N IR`, IR lines with interleaved SNAP lines, the stop line.

import { HELPERS } from './calls';
import { formatConstant } from './constants';
import { formatLiteralOp2, formatLitNumber } from './literals';
import { opInfo, type OperandMode } from './opcodes';
import { callArguments } from './queries';
import { formatRef, insRef, isConstRef, REF_NIL, type Ref } from './refs';
import { SNAP_FLAGS, type IRIns, type RegColumn, type Snapshot, type Trace } from './trace';
import { typeInfo } from './types';

export interface PrintOptions {
  /** Print the `r` column (register / spill / sink). Default true. */
  readonly registers?: boolean;
  /** Interleave the SNAP lines. Default true. */
  readonly snapshots?: boolean;
}

export function formatStartLine(trace: Pick<Trace, 'number' | 'start' | 'location'>): string {
  const s = trace.start;
  const from = s.kind === 'side' ? `${s.parent}/${s.exit} ` : s.kind === 'stitch' ? `${s.previous}/stitch ` : '';
  return `---- TRACE ${trace.number} start ${from}${trace.location}`;
}

export function formatStopLine(trace: Trace): string {
  const { kind, target } = trace.link;
  let what: string;
  if (target === trace.number || target === 0) what = kind;
  else if (kind === 'root') what = String(target);
  else what = `${target} ${kind}`;
  return `---- TRACE ${trace.number} stop -> ${what}`;
}

export function formatRegColumn(reg: RegColumn | undefined, ref: Ref): string {
  if (!reg) return '';
  switch (reg.kind) {
    case 'reg':
      return reg.name;
    case 'spill':
      return `[${(reg.slot * 4).toString(16)}]`;
    case 'sink':
      return reg.ref === null || reg.ref === ref ? ' {sink' : ` {${formatRef(reg.ref)}`;
  }
}

function formatOperand(trace: Trace, mode: OperandMode, value: number): string {
  if (mode === 'ref') return formatRefOrConst(trace, value);
  return formatLitNumber(value);
}

function formatRefOrConst(trace: Trace, ref: Ref): string {
  return isConstRef(ref) ? formatConstant(trace.consts, ref) : formatRef(ref);
}

function formatOperands(trace: Trace, ins: IRIns): string {
  const info = opInfo(ins.op);
  if (ins.op.startsWith('CALL')) {
    const head =
      info.op2 === 'lit'
        ? `${(HELPERS[ins.op2]?.name ?? `#${ins.op2}`).padEnd(10, ' ')}  (`
        : isConstRef(ins.op2)
          ? `${formatConstant(trace.consts, ins.op2).trim()}(`
          : `${formatRef(ins.op2)} (`;
    return `${head}${callArguments(trace, ins.op1).map((r) => formatRefOrConst(trace, r)).join(' ')})`;
  }
  if (ins.op === 'CNEW' && ins.op2 === REF_NIL) return formatConstant(trace.consts, ins.op1);
  if (info.op1 === 'none') return '';
  let s = formatOperand(trace, info.op1, ins.op1);
  if (info.op2 === 'lit') s += `  ${formatLiteralOp2(ins.op, ins.op2)}`;
  else if (info.op2 === 'ref') s += `  ${formatOperand(trace, 'ref', ins.op2)}`;
  return s;
}

export function formatInsLine(trace: Trace, index: number, registers = true): string | undefined {
  const ins = trace.ins[index];
  const ref = insRef(index);
  const num = formatRef(ref);
  if (ins.op === 'LOOP') return `${num} ${registers ? '------------' : '------'} LOOP ------------`;
  if (ins.op === 'NOP' || ins.op === 'CARG' || (!registers && ins.op === 'RENAME')) return undefined;
  const head = registers ? `${num} ${formatRegColumn(ins.reg, ref).padEnd(6, ' ')}` : `${num} `;
  const flag = ins.reg?.kind === 'sink' ? '}' : ins.guard ? '>' : ' ';
  const op = ins.op.padEnd(6, ' ');
  return `${head}${flag}${ins.phi ? '+' : ' '} ${typeInfo(ins.type).dump} ${op} ${formatOperands(trace, ins)}`;
}

/** Extension for trace files: snapshot facts the -jdump line does not show, only when not default. */
function formatSnapshotExtras(snap: Snapshot): string {
  const parts: string[] = [];
  if (snap.baseAdjust !== 0) parts.push(`base=${snap.baseAdjust}`);
  if (snap.topslot !== snap.nslots) parts.push(`top=${snap.topslot}`);
  if (snap.pc !== undefined) parts.push(`pc=0x${snap.pc.toString(16)}`);
  return parts.length ? ' ' + parts.join(' ') : '';
}

export function formatSnapshotLine(trace: Trace, snapNo: number, registers = true): string {
  const snap = trace.snapshots[snapNo];
  let s = `....${registers ? '              ' : '        '}SNAP   #${String(snapNo).padEnd(3, ' ')} [ `;
  let e = 0;
  for (let slot = 0; slot < snap.nslots; slot++) {
    const entry = snap.entries[e];
    if (entry && entry.slot === slot) {
      e++;
      if (isConstRef(entry.ref)) s += formatConstant(trace.consts, entry.ref, entry.flags);
      else if (entry.flags & SNAP_FLAGS.SOFTFPNUM) s += `${formatRef(entry.ref)}/${formatRef(entry.ref + 1)}`;
      else s += formatRef(entry.ref);
      s += entry.flags & SNAP_FLAGS.FRAME ? '|' : ' ';
    } else {
      s += '---- ';
    }
  }
  return `${s}]${formatSnapshotExtras(snap)}`;
}

/** The IR section: header line, IR lines and SNAP lines, as dump_ir interleaves them. */
export function formatIrLines(trace: Trace, options: PrintOptions = {}): string[] {
  const registers = options.registers ?? true;
  const snapshots = options.snapshots ?? true;
  const lines = [`---- TRACE ${trace.number} IR`];
  let snapNo = 0;
  const snapLine = (): void => {
    const line = formatSnapshotLine(trace, snapNo++, registers);
    if (snapshots) lines.push(line);
  };
  for (let i = 0; i < trace.ins.length; i++) {
    const snap = trace.snapshots[snapNo];
    if (snap && insRef(i) >= snap.ref) snapLine();
    const line = formatInsLine(trace, i, registers);
    if (line !== undefined) lines.push(line);
  }
  while (snapNo < trace.snapshots.length) snapLine();
  return lines;
}

/** Start line, IR section and stop line of one trace, each line ending in a newline. */
export function printTrace(trace: Trace, options: PrintOptions = {}): string {
  return [formatStartLine(trace), ...formatIrLines(trace, options), formatStopLine(trace)].map((l) => l + '\n').join('');
}
