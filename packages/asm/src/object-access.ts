// Code for the IR that reads and writes GC objects in emulated memory: FLOAD of a table's or
// string's header fields (machine's TABLE_HEADER, STRING_HEADER, one 32-byte header per GC
// handle), AREF and HREFK (with its key check) into a table's parts, and the ASTORE/HSTORE of a
// TValue into the slot they name. ALOAD/HLOAD are XLOAD's typed loads (codegen.ts).
import { DISPATCH, FUNC_HEADER, REGIONS, STRING_HEADER, TABLE_HEADER, TABLE_NODE } from '@tracesim/machine';
import type { Operand } from '@tracesim/x86';
import { constIndex, insIndex, IRFL_NAMES, wordsToBits, type IRIns, type IRTypeName, type Trace } from '@tracesim/ir';
import type { Src } from './codegen';
import { constBits, constWords } from './const-pool';
import { gpr, imm, mem, xmm, type Emitter } from './emitter';
import { AsmError } from './errors';
import { COND } from './op-tables';
import { SCRATCH } from './regalloc';
import { valueRepr } from './value-repr';

const R14_DISPATCH = 14;
const TMP = SCRATCH.gpr;
const FTMP = SCRATCH.fpr;
const SLOT_BYTES = 8;

/** The object-header fields FLOAD reads (machine's TABLE_HEADER and STRING_HEADER), by IRFL name. */
const HEADER_FIELDS: Readonly<Record<string, { offset: number; type: IRTypeName }>> = {
  'str.len': { offset: STRING_HEADER.len, type: 'int' },
  'func.env': { offset: FUNC_HEADER.env, type: 'tab' },
  'tab.asize': { offset: TABLE_HEADER.asize, type: 'int' },
  'tab.hmask': { offset: TABLE_HEADER.hmask, type: 'int' },
  'tab.array': { offset: TABLE_HEADER.array, type: 'p64' },
  'tab.node': { offset: TABLE_HEADER.node, type: 'p64' },
  'tab.meta': { offset: TABLE_HEADER.meta, type: 'tab' },
};
/** A field of the GC object header whose handle × 4 is in `reg`, reached from DISPATCH (r14). */
export function headerField(reg: number, offset: number, width: 32 | 64): Operand {
  return { kind: 'mem', width, base: R14_DISPATCH, index: reg, scale: 8, disp: REGIONS.objectHeaders.base - DISPATCH + offset };
}

/** What the trace's code generator lends: its emitter, operands, destinations and exits. */
export interface AccessContext {
  readonly e: Emitter;
  readonly trace: Trace;
  where(i?: number): string;
  sources(ins: IRIns, i: number): Src[];
  dest(i: number): number | undefined;
  exit(cond: number, i: number): void;
}

export class ObjectAccessCodegen {
  constructor(private readonly c: AccessContext) {}

  /**
   * FLOAD tab.asize / tab.hmask / tab.array / tab.node / tab.meta and str.len: a table's or
   * string's TValue carries its GC handle, and its header sits at objectHeaders.base + 32 ×
   * handle, reached from DISPATCH (r14) with four times the handle as index.
   */
  fload(ins: IRIns, i: number): void {
    const field = HEADER_FIELDS[IRFL_NAMES[ins.op2]];
    if (field === undefined || ins.type !== field.type) throw new AsmError(this.c.where(i), `${ins.type} FLOAD ${IRFL_NAMES[ins.op2]} is not supported by the backend`);
    const dest = this.c.dest(i);
    if (dest === undefined) return;
    const [table] = this.c.sources(ins, i);
    if (table.kind === 'reg') this.c.e.emit('mov', [gpr(TMP, 32), gpr(table.reg, 32)]);
    else this.c.e.emit('mov', [gpr(TMP, 32), imm(Number(constBits(this.c.trace, table.ref, this.c.where(i)) & 0xffffffffn), 32)]);
    this.c.e.emit('shl', [gpr(TMP), imm(2, 8)]);
    const width = field.type === 'int' ? 32 : 64;
    this.c.e.emit('mov', [gpr(dest, width), headerField(TMP, field.offset, width)]);
  }

  /** AREF: the address of array slot `index` (an int the ABC before it has bounded). */
  aref(ins: IRIns, i: number): void {
    const dest = this.c.dest(i);
    if (dest === undefined) return;
    const [array, index] = this.c.sources(ins, i);
    if (array.kind !== 'reg') throw new AsmError(this.c.where(i), 'AREF needs the array part\'s address in a register');
    if (index.kind === 'const') {
      this.c.e.emit('lea', [gpr(dest), mem(array.reg, SLOT_BYTES * Number(BigInt.asIntN(32, constBits(this.c.trace, index.ref, this.c.where(i)))), 64)]);
      return;
    }
    this.c.e.emit('mov', [gpr(TMP, 32), gpr(index.reg, 32)]);
    this.c.e.emit('lea', [gpr(dest), { kind: 'mem', width: 64, base: array.reg, index: TMP, scale: 8, disp: 0 }]);
  }

  /**
   * HREFK node KSLOT(key, k): node k of the hash part (machine's TABLE_NODE), guarded to hold the
   * constant key; exits when a rehash moved the key to another node.
   */
  hrefk(ins: IRIns, i: number): void {
    const [node] = this.c.sources(ins, i);
    if (node.kind !== 'reg') throw new AsmError(this.c.where(i), 'HREFK needs the hash part\'s address in a register');
    const k = this.c.trace.consts[constIndex(ins.op2)];
    if (k?.op !== 'KSLOT') throw new AsmError(this.c.where(i), 'HREFK needs a KSLOT constant (key @slot)');
    const at = TABLE_NODE.bytes * k.slot;
    this.c.e.emit('mov', [gpr(TMP), imm(wordsToBits(constWords(this.c.trace, k.key, this.c.where(i))), 64)]);
    this.c.e.emit('cmp', [mem(node.reg, at + TABLE_NODE.key, 64), gpr(TMP)]);
    this.c.exit(COND.ne, i);
    const dest = this.c.dest(i);
    if (dest !== undefined) this.c.e.emit('lea', [gpr(dest), mem(node.reg, at + TABLE_NODE.value, 64)]);
  }

  /** ASTORE / HSTORE: the value as a TValue into the slot its AREF or HREFK names (an int becomes a double). */
  store(ins: IRIns, i: number): void {
    const [address, value] = this.c.sources(ins, i);
    if (address.kind !== 'reg') throw new AsmError(this.c.where(i), `${ins.op} needs its slot's address in a register`);
    const dst = mem(address.reg, 0, 64);
    if (value.kind === 'const') {
      this.c.e.emit('mov', [gpr(TMP), imm(wordsToBits(constWords(this.c.trace, value.ref, this.c.where(i))), 64)]);
      this.c.e.emit('mov', [dst, gpr(TMP)]);
      return;
    }
    const repr = valueRepr(this.c.trace.ins[insIndex(ins.op2)].type);
    if (repr === 'int') {
      this.c.e.emit('cvtsi2sd', [xmm(FTMP), gpr(value.reg, 32)]);
      this.c.e.emit('movsd', [dst, xmm(FTMP)]);
    } else if (repr === 'num') this.c.e.emit('movsd', [dst, xmm(value.reg)]);
    else this.c.e.emit('mov', [dst, gpr(value.reg)]);
  }
}
