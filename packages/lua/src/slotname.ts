// Naming the value in a slot for error messages ("attempt to index local 't'"), as Lua 5.1's
// getobjname does: an active local's name, else what the instruction that last set the slot
// loaded (global, field, upvalue, method), found by Lua 5.1's symbolic execution.
import { BC, MODE_A, MODE_CD, insA, insB, insC, insD } from './bytecode';
import type { Proto } from './proto';

/** What `slot` holds at instruction `pc`, as Lua 5.1 names it: local, global, field, upvalue or method. */
export function slotName(p: Proto, pc: number, slot: number): [kind: string, name: string] | undefined {
  const kstr = (i: number): string => (p.kgc[i] as { value: string }).value;
  for (let depth = 0; depth < 256; depth++) {
    const local = p.vars.find((v) => v.slot === slot && v.startpc <= pc && pc < v.endpc)?.name;
    if (local !== undefined) return local.startsWith('(') ? undefined : ['local', local];
    const i = lastSetter(p, pc, slot);
    if (i < 0) return undefined;
    const ins = p.bc[i];
    switch (ins & 0xff) {
      case BC.MOV:
        if (insD(ins) >= slot) return undefined;
        slot = insD(ins);
        continue;
      case BC.GGET:
        return ['global', kstr(insD(ins))];
      case BC.TGETS: {
        const prev = p.bc[i - 1];
        const isMethod = i > 1 && (prev & 0xff) === BC.MOV && insA(prev) === insA(ins) + 2 && insD(prev) === insB(ins);
        return [isMethod ? 'method' : 'field', kstr(insC(ins))];
      }
      case BC.TGETV: case BC.TGETB:
        // Lua 5.1 names a key that is not a constant string '?'.
        return ['field', '?'];
      case BC.UGET:
        return ['upvalue', p.uvnames[insD(ins)]];
      default:
        return undefined;
    }
  }
  return undefined;
}

/**
 * The instruction that last set `slot` on the way to `pc`, found as Lua 5.1's symbolic
 * execution does: straight through, taking every forward jump that lands at or before pc.
 */
function lastSetter(p: Proto, pc: number, slot: number): number {
  let last = -1;
  for (let i = 1; i < pc; ) {
    const ins = p.bc[i];
    const op = ins & 0xff;
    const a = insA(ins);
    const mode = MODE_A[op];
    // IST/ISF test their D slot; Lua 5.1's TEST counts as setting it.
    if ((mode === 'dst' && a === slot) || ((op === BC.IST || op === BC.ISF) && insD(ins) === slot)) last = i;
    else if (mode === 'base' && slot >= a && (op !== BC.KNIL || slot <= insD(ins)) && op !== BC.TSETM) last = i;
    if (MODE_CD[op] === 'jump') {
      const target = i + 1 + insD(ins) - 0x8000;
      if (target > i && target <= pc) {
        i = target;
        continue;
      }
    }
    i++;
  }
  return last;
}
