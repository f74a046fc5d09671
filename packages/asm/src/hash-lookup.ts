// The inline hash-part lookup HREF compiles to (asm_href in lj_asm_x86.h): the key's hash (the
// machine's table-hash.ts, computed from the key's TValue as the interpreter computes it), masked
// with the table's hmask, names the key's main position; the walk then follows the node chain,
// comparing each node's key TValue with the key's. The backend carries HREF out as it carries a
// helper call (codegen.ts): the table's TValue in rdi, the key's in rsi, every caller-saved
// register free, and the address of the key's value cell, or of niltv when no node holds the key,
// in rax. Unlike asm_href, which leaves the loop at the first match, the walk runs to the end of
// the chain and keeps the match with a conditional move (a key has one node), so the code
// branches only backwards.
import { HASH_BIAS, HASH_ROT1, HASH_ROT2, HASH_ROT3, NILTV, STRING_HEADER, TABLE_HEADER, TABLE_NODE } from '@tracesim/machine';
import type { IRTypeName } from '@tracesim/ir';
import { gpr, imm, mem, rel, type Emitter } from './emitter';
import { AsmError } from './errors';
import { headerField } from './object-access';
import { COND } from './op-tables';
import { SCRATCH } from './regalloc';

const RAX = 0, RDX = 2, RCX = 1, RSI = 6, RDI = 7, R8 = 8, R9 = 9;
const TMP = SCRATCH.gpr;

/** The key types whose hash is hashgcref's: the object's handle through hashrot with HASH_BIAS. */
const OBJECT_KEYS: ReadonlySet<IRTypeName> = new Set<IRTypeName>(['tab', 'fun', 'thr', 'udt', 'cdt', 'lud']);

/** HREF's code: rdi the table, rsi the key (of IR type `keyType`); rax the value cell's address or niltv's. */
export function emitHashLookup(e: Emitter, keyType: IRTypeName, where: string): void {
  e.emit('mov', [gpr(RAX, 32), gpr(RDI, 32)]);
  e.emit('shl', [gpr(RAX), imm(2, 8)]);
  e.emit('mov', [gpr(RCX, 32), headerField(RAX, TABLE_HEADER.hmask, 32)]);
  e.emit('mov', [gpr(R8), headerField(RAX, TABLE_HEADER.node, 64)]);
  emitKeyHash(e, keyType, where);
  // The main position's node: the node block + 24 × (hash & hmask).
  e.emit('and', [gpr(RDX, 32), gpr(RCX, 32)]);
  e.emit('lea', [gpr(RDX), { kind: 'mem', width: 64, base: RDX, index: RDX, scale: 2, disp: 0 }]);
  e.emit('lea', [gpr(RAX), { kind: 'mem', width: 64, base: R8, index: RDX, scale: 8, disp: 0 }]);
  e.emit('mov', [gpr(R9, 32), imm(NILTV, 32)]);
  const loop = e.here;
  e.emit('lea', [gpr(TMP), mem(RAX, TABLE_NODE.value, 64)]);
  e.emit('cmp', [mem(RAX, TABLE_NODE.key, 64), gpr(RSI)]);
  e.emit('cmov', [gpr(R9), gpr(TMP)], { cond: COND.e });
  e.emit('mov', [gpr(RAX), mem(RAX, TABLE_NODE.next, 64)]);
  e.emit('test', [gpr(RAX), gpr(RAX)]);
  e.emit('j', [rel(loop, 32)], { cond: COND.ne, long: true });
  e.emit('mov', [gpr(RAX), gpr(R9)]);
}

/** hashkey for a key in rsi: the hash into edx (rsi is left as the key's TValue, -0 made +0). */
function emitKeyHash(e: Emitter, keyType: IRTypeName, where: string): void {
  if (keyType === 'str') {
    e.emit('mov', [gpr(RDX, 32), gpr(RSI, 32)]);
    e.emit('shl', [gpr(RDX), imm(2, 8)]);
    e.emit('mov', [gpr(RDX, 32), headerField(RDX, STRING_HEADER.hash, 32)]);
    return;
  }
  if (keyType === 'fal' || keyType === 'tru') {
    e.emit('mov', [gpr(RDX, 32), imm(keyType === 'tru' ? 1 : 0, 32)]);
    return;
  }
  if (keyType === 'num') {
    // -0 is stored as +0: twice the bits is 0 only for the two zeros.
    e.emit('mov', [gpr(RAX), gpr(RSI)]);
    e.emit('add', [gpr(RAX), gpr(RAX)]);
    e.emit('cmov', [gpr(RSI), gpr(RAX)], { cond: COND.e });
    // hashnum: the low word, and the high word shifted left once.
    e.emit('mov', [gpr(RAX, 32), gpr(RSI, 32)]);
    e.emit('mov', [gpr(RDX), gpr(RSI)]);
    e.emit('shr', [gpr(RDX), imm(32, 8)]);
    e.emit('add', [gpr(RDX, 32), gpr(RDX, 32)]);
  } else if (OBJECT_KEYS.has(keyType)) {
    e.emit('mov', [gpr(RAX, 32), gpr(RSI, 32)]);
    e.emit('lea', [gpr(RDX, 32), mem(RSI, HASH_BIAS | 0, 32)]);
  } else {
    throw new AsmError(where, `HREF of a ${keyType} key is not supported by the backend`);
  }
  // hashrot(lo = eax, hi = edx), x86 variant: the result in edx.
  e.emit('xor', [gpr(RAX, 32), gpr(RDX, 32)]);
  e.emit('rol', [gpr(RDX, 32), imm(HASH_ROT1, 8)]);
  e.emit('sub', [gpr(RAX, 32), gpr(RDX, 32)]);
  e.emit('rol', [gpr(RDX, 32), imm(HASH_ROT2, 8)]);
  e.emit('xor', [gpr(RDX, 32), gpr(RAX, 32)]);
  e.emit('rol', [gpr(RAX, 32), imm(HASH_ROT3, 8)]);
  e.emit('sub', [gpr(RDX, 32), gpr(RAX, 32)]);
}
