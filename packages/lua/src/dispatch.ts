// The bytecode dispatch loop: every instruction's fast path inline (numbers, raw table access
// without metatables, Lua calls), everything else through Meta (metamethods), Calls (frames)
// and the interpreter's hooks for the JIT. The loop keeps BASE, PC, the closure and its
// constants in locals and reloads them from the interpreter whenever a slow path may have
// moved to another frame (a call, a return, a metamethod, a coroutine switch, a trace).
import { BC, OP_NAMES, insA, insB, insC, insD } from './bytecode';
import { RETURNED_TO_C } from './calls';
import { LuaThrow, type LuaInterpreter } from './interpreter';
import { forContinues, forEnters } from './forloop';
import { ARITH_EVENT } from './meta';
import type { Proto, TemplateTable } from './proto';
import { CDATA_HI, FALSE_HI, FUNC_HI, NIL_HI, NUM_LIMIT, PRI_HI, PRI_LO, STR_HI, TAB_HI } from './stack';
import { LuaTable } from './table';
import { LuaCdata, LuaString } from './value';
import type { LuaValue } from './value';
import { luaPow } from '@tracesim/machine';

const jumpTarget = (pc: number, ins: number): number => pc + (ins >>> 16) - 0x7fff;

export function dispatch(vm: LuaInterpreter): void {
  const mem = vm.mem;
  const stack = vm.stack;
  const objects = vm.heap.objects;
  const meta = vm.meta;
  const calls = vm.calls;
  let base = vm.base;
  let cl = vm.cl;
  let proto: Proto = cl.proto!;
  let bc = proto.bc;
  let k = vm.constantsOf(proto);
  let kgc = k.kgc;
  let knum = k.knum;
  let pc = vm.pc;
  let pending = vm.takePendingIns();
  let budget = vm.budget;
  /** Hands the position to the interpreter before a slow path runs (it may call into Lua, raise or switch frames). */
  const sync = (): void => {
    vm.pc = pc;
    vm.base = base;
    vm.cl = cl;
    vm.budget = budget;
  };
  /** Takes the position back after a slow path moved it. */
  const reload = (): void => {
    base = vm.base;
    cl = vm.cl;
    pc = vm.pc;
    budget = vm.budget;
    pending = vm.takePendingIns();
    if (cl.proto !== proto) {
      proto = cl.proto!;
      bc = proto.bc;
      k = vm.constantsOf(proto);
      kgc = k.kgc;
      knum = k.knum;
    }
  };
  try {
    for (;;) {
      if (--budget < 0) {
        vm.pc = pc + 1;
        vm.base = base;
        vm.cl = cl;
        vm.budget = 0;
        throw vm.budgetExceeded();
      }
      let ins = bc[pc++];
      if (pending >= 0) {
        ins = pending;
        pending = -1;
      }
      const op = ins & 0xff;
      const a = (ins >>> 8) & 0xff;
      if (vm.recorder !== null) {
        // The hook may run compiled code itself (a stitched trace's continuation): go on where it left off.
        sync();
        const redirect = vm.recorder({ proto, pc: pc - 1, ins, op: OP_NAMES[op], base });
        if (redirect) {
          vm.resumeAt(redirect);
          reload();
          continue;
        }
        budget = vm.budget;
      }
      switch (op) {
        case BC.ISLT: case BC.ISGE: case BC.ISLE: case BC.ISGT: {
          const ra = base + 8 * a, rd = base + 8 * (ins >>> 16);
          let cond: boolean;
          if (mem.read32(ra + 4) < NUM_LIMIT && mem.read32(rd + 4) < NUM_LIMIT) {
            const x = mem.readF64(ra), y = mem.readF64(rd);
            cond = op === BC.ISLT ? x < y : op === BC.ISGE ? !(x < y) : op === BC.ISLE ? x <= y : !(x <= y);
          } else {
            sync();
            const r = meta.compare(op, stack.get(ra), stack.get(rd));
            if (r === 'called') {
              reload();
              break;
            }
            cond = r;
          }
          if (cond) pc = jumpTarget(pc, bc[pc]);
          else pc++;
          break;
        }
        case BC.ISEQV: case BC.ISNEV: {
          const ra = base + 8 * a, rd = base + 8 * (ins >>> 16);
          const ha = mem.read32(ra + 4), hd = mem.read32(rd + 4);
          let eq: boolean;
          if (ha < NUM_LIMIT && hd < NUM_LIMIT) eq = mem.readF64(ra) === mem.readF64(rd);
          else if (ha === hd && mem.read32(ra) === mem.read32(rd) && ha !== CDATA_HI) eq = true;
          else if ((ha === TAB_HI && hd === TAB_HI) || ha === CDATA_HI || hd === CDATA_HI || (ha === hd && ha !== STR_HI && ha !== FUNC_HI)) {
            sync();
            const r = meta.equal(stack.get(ra), stack.get(rd), op === BC.ISNEV);
            if (r === 'called') {
              reload();
              break;
            }
            eq = r;
          } else eq = false;
          if (eq === (op === BC.ISEQV)) pc = jumpTarget(pc, bc[pc]);
          else pc++;
          break;
        }
        case BC.ISEQS: case BC.ISNES: case BC.ISEQN: case BC.ISNEN: case BC.ISEQP: case BC.ISNEP: {
          const ra = base + 8 * a;
          const d = ins >>> 16;
          const ha = mem.read32(ra + 4);
          let eq: boolean;
          if (op === BC.ISEQS || op === BC.ISNES) eq = ha === STR_HI && mem.read32(ra) === (kgc[d] as LuaString).handle;
          else if (op === BC.ISEQN || op === BC.ISNEN) eq = ha < NUM_LIMIT && mem.readF64(ra) === knum[d];
          else eq = ha === PRI_HI[d];
          if (ha === CDATA_HI) {
            sync();
            const other: LuaValue = op === BC.ISEQS || op === BC.ISNES ? (kgc[d] as LuaString) : op === BC.ISEQN || op === BC.ISNEN ? knum[d] : d === 0 ? undefined : d === 2;
            const r = meta.equal(stack.get(ra), other, (op & 1) === 1);
            if (r === 'called') {
              reload();
              break;
            }
            eq = r;
          }
          if (eq === ((op & 1) === 0)) pc = jumpTarget(pc, bc[pc]);
          else pc++;
          break;
        }
        case BC.ISTC: case BC.ISFC: {
          const rd = base + 8 * (ins >>> 16);
          const hd = mem.read32(rd + 4);
          const t = hd !== NIL_HI && hd !== FALSE_HI;
          if (t === (op === BC.ISTC)) {
            stack.copy(base + 8 * a, rd);
            pc = jumpTarget(pc, bc[pc]);
          } else pc++;
          break;
        }
        case BC.IST: case BC.ISF: {
          const hd = mem.read32(base + 8 * (ins >>> 16) + 4);
          const t = hd !== NIL_HI && hd !== FALSE_HI;
          if (t === (op === BC.IST)) pc = jumpTarget(pc, bc[pc]);
          else pc++;
          break;
        }
        case BC.MOV:
          stack.copy(base + 8 * a, base + 8 * (ins >>> 16));
          break;
        case BC.NOT: {
          const hd = mem.read32(base + 8 * (ins >>> 16) + 4);
          mem.write64Halves(base + 8 * a, PRI_LO, hd === NIL_HI || hd === FALSE_HI ? PRI_HI[2] : FALSE_HI);
          break;
        }
        case BC.UNM: {
          const d = ins >>> 16;
          const rd = base + 8 * d;
          if (mem.read32(rd + 4) < NUM_LIMIT) mem.writeF64(base + 8 * a, -mem.readF64(rd));
          else {
            sync();
            const v = stack.get(rd);
            if (meta.arith('__unm', base + 8 * a, v, v, d, d)) reload();
          }
          break;
        }
        case BC.LEN: {
          const d = ins >>> 16;
          const v = stack.get(base + 8 * d);
          if (v instanceof LuaString) mem.writeF64(base + 8 * a, v.s.length);
          else if (v instanceof LuaTable) mem.writeF64(base + 8 * a, v.length());
          else {
            sync();
            if (meta.len(v, base + 8 * a, d)) reload();
          }
          break;
        }
        case BC.ADDVN: case BC.SUBVN: case BC.MULVN: case BC.DIVVN: case BC.MODVN:
        case BC.ADDNV: case BC.SUBNV: case BC.MULNV: case BC.DIVNV: case BC.MODNV: {
          const b = ins >>> 24;
          const rb = base + 8 * b;
          const kn = knum[(ins >>> 16) & 0xff];
          const constFirst = op >= BC.ADDNV;
          if (mem.read32(rb + 4) < NUM_LIMIT) {
            const v = mem.readF64(rb);
            const x = constFirst ? kn : v, y = constFirst ? v : kn;
            const sel = constFirst ? op - BC.ADDNV : op - BC.ADDVN;
            mem.writeF64(base + 8 * a, sel === 0 ? x + y : sel === 1 ? x - y : sel === 2 ? x * y : sel === 3 ? x / y : x - Math.floor(x / y) * y);
          } else {
            sync();
            const v = stack.get(rb);
            if (meta.arith(ARITH_EVENT.get(op)!, base + 8 * a, constFirst ? kn : v, constFirst ? v : kn, constFirst ? -1 : b, constFirst ? b : -1)) reload();
          }
          break;
        }
        case BC.ADDVV: case BC.SUBVV: case BC.MULVV: case BC.DIVVV: case BC.MODVV: case BC.POW: {
          const b = ins >>> 24, c = (ins >>> 16) & 0xff;
          const rb = base + 8 * b, rc = base + 8 * c;
          if (mem.read32(rb + 4) < NUM_LIMIT && mem.read32(rc + 4) < NUM_LIMIT) {
            const x = mem.readF64(rb), y = mem.readF64(rc);
            mem.writeF64(base + 8 * a, op === BC.ADDVV ? x + y : op === BC.SUBVV ? x - y : op === BC.MULVV ? x * y : op === BC.DIVVV ? x / y : op === BC.MODVV ? x - Math.floor(x / y) * y : luaPow(x, y));
          } else {
            sync();
            if (meta.arith(ARITH_EVENT.get(op)!, base + 8 * a, stack.get(rb), stack.get(rc), b, c)) reload();
          }
          break;
        }
        case BC.CAT:
          sync();
          if (meta.concat((ins >>> 16) & 0xff, ins >>> 24, a)) reload();
          break;
        case BC.KSTR:
          mem.write64Halves(base + 8 * a, (kgc[ins >>> 16] as LuaString).handle, STR_HI);
          break;
        case BC.KCDATA:
          stack.set(base + 8 * a, kgc[ins >>> 16] as LuaCdata);
          break;
        case BC.KSHORT:
          mem.writeF64(base + 8 * a, ins >> 16);
          break;
        case BC.KNUM:
          mem.writeF64(base + 8 * a, knum[ins >>> 16]);
          break;
        case BC.KPRI:
          mem.write64Halves(base + 8 * a, PRI_LO, PRI_HI[ins >>> 16]);
          break;
        case BC.KNIL:
          for (let r = a, d = ins >>> 16; r <= d; r++) mem.write64Halves(base + 8 * r, PRI_LO, NIL_HI);
          break;
        case BC.UGET: {
          const uv = cl.upvalues[ins >>> 16];
          if (uv.closed) stack.set(base + 8 * a, uv.value);
          else stack.copy(base + 8 * a, uv.address);
          break;
        }
        case BC.USETV: case BC.USETS: case BC.USETN: case BC.USETP: {
          const uv = cl.upvalues[a];
          const d = ins >>> 16;
          const v: LuaValue = op === BC.USETV ? stack.get(base + 8 * d) : op === BC.USETS ? (kgc[d] as LuaString) : op === BC.USETN ? knum[d] : d === 0 ? undefined : d === 2;
          if (uv.closed) uv.value = v;
          else stack.set(uv.address, v);
          break;
        }
        case BC.UCLO:
          vm.closeUpvalues(base + 8 * a);
          pc += (ins >>> 16) - 0x8000;
          break;
        case BC.FNEW: {
          const child = kgc[ins >>> 16] as Proto;
          child.closures++;
          stack.set(base + 8 * a, vm.newClosure(child, cl, base));
          break;
        }
        case BC.TNEW: {
          // D: array slots in the low 11 bits, hash bits above (expr_table's TNEW operand).
          const d = ins >>> 16;
          stack.set(base + 8 * a, vm.heap.table(d & 0x7ff, d >>> 11));
          break;
        }
        case BC.TDUP:
          stack.set(base + 8 * a, vm.duplicate(kgc[ins >>> 16] as TemplateTable));
          break;
        case BC.GGET: {
          const env = cl.env;
          const key = kgc[ins >>> 16] as LuaString;
          const v = env.get(key);
          if (v !== undefined || env.metatable === null) stack.set(base + 8 * a, v);
          else {
            sync();
            if (meta.index(env, key, base + 8 * a, -1)) reload();
          }
          break;
        }
        case BC.GSET: {
          const env = cl.env;
          const key = kgc[ins >>> 16] as LuaString;
          if (env.metatable === null) env.set(key, stack.get(base + 8 * a));
          else {
            sync();
            if (meta.newindex(env, key, stack.get(base + 8 * a), -1)) reload();
          }
          break;
        }
        case BC.TGETV: case BC.TGETS: case BC.TGETB: {
          const b = ins >>> 24, c = (ins >>> 16) & 0xff;
          const rb = base + 8 * b;
          const key: LuaValue = op === BC.TGETV ? stack.get(base + 8 * c) : op === BC.TGETS ? (kgc[c] as LuaString) : c;
          if (mem.read32(rb + 4) === TAB_HI) {
            const t = objects[mem.read32(rb)] as LuaTable;
            const v = t.get(key);
            if (v !== undefined || t.metatable === null) {
              stack.set(base + 8 * a, v);
              break;
            }
          }
          sync();
          if (meta.index(stack.get(rb), key, base + 8 * a, b)) reload();
          break;
        }
        case BC.TSETV: case BC.TSETS: case BC.TSETB: {
          const b = ins >>> 24, c = (ins >>> 16) & 0xff;
          const rb = base + 8 * b;
          const key: LuaValue = op === BC.TSETV ? stack.get(base + 8 * c) : op === BC.TSETS ? (kgc[c] as LuaString) : c;
          if (mem.read32(rb + 4) === TAB_HI && key !== undefined && key === key) {
            const t = objects[mem.read32(rb)] as LuaTable;
            if (t.metatable === null) {
              t.set(key, stack.get(base + 8 * a));
              break;
            }
          }
          sync();
          if (meta.newindex(stack.get(rb), key, stack.get(base + 8 * a), b)) reload();
          break;
        }
        case BC.TSETM: {
          const t = stack.get(base + 8 * (a - 1)) as LuaTable;
          const start = knum[ins >>> 16] - 2 ** 52;
          for (let i = 0; i < vm.multres; i++) t.set(start + i, stack.get(base + 8 * (a + i)));
          break;
        }
        case BC.VARG: {
          const [at, count] = calls.varargs(base, insC(ins));
          const wanted = insB(ins) - 1;
          const ra = base + 8 * a;
          if (wanted < 0) {
            if (ra + 8 * count > vm.stackLimit) {
              sync();
              throw vm.runtimeError('stack overflow');
            }
            for (let i = 0; i < count; i++) stack.copy(ra + 8 * i, at + 8 * i);
            vm.multres = count;
          } else {
            for (let i = 0; i < wanted; i++) {
              if (i < count) stack.copy(ra + 8 * i, at + 8 * i);
              else stack.setNil(ra + 8 * i);
            }
          }
          break;
        }
        case BC.CALLM: case BC.CALL: case BC.ITERC: {
          let nargs: number;
          const fa = base + 8 * a;
          if (op === BC.ITERC) {
            stack.copy(fa, fa - 24);
            stack.copy(fa + 16, fa - 16);
            stack.copy(fa + 24, fa - 8);
            nargs = 2;
          } else nargs = op === BC.CALL ? insC(ins) - 1 : insC(ins) + vm.multres;
          sync();
          stack.setLink(fa + 8, proto.bcAddress + 4 * pc);
          const n = calls.callAt(fa, nargs, a);
          if (n >= 0) calls.finishBuiltinCall(fa, n, ins >>> 24);
          else if (n === RETURNED_TO_C) return;
          reload();
          break;
        }
        case BC.CALLMT: case BC.CALLT: {
          const nargs = op === BC.CALLT ? (ins >>> 16) - 1 : (ins >>> 16) + vm.multres;
          sync();
          if (!vm.tailCall(base, a, nargs)) return;
          reload();
          break;
        }
        case BC.ITERN: {
          const ra = base + 8 * a;
          const t = objects[mem.read32(ra - 16)] as LuaTable;
          if (vm.jitEnabled) {
            sync();
            vm.tickLoop(proto, pc, base);
          }
          // As vm_x64's ITERN: on an element, take the following ITERL's branch; at the end skip it.
          const next = t.nextFrom(mem.readF64(ra - 8));
          if (next === undefined) pc++;
          else {
            mem.writeF64(ra - 8, next[0] + 1);
            stack.set(ra, next[1]);
            stack.set(ra + 8, next[2]);
            pc = jumpTarget(pc, bc[pc]);
          }
          break;
        }
        case BC.ISNEXT: {
          const ra = base + 8 * a;
          if (mem.read32(ra - 24 + 4) === FUNC_HI && objects[mem.read32(ra - 24)] === vm.nextFn && mem.read32(ra - 16 + 4) === TAB_HI && mem.read32(ra - 8 + 4) === NIL_HI) {
            mem.writeF64(ra - 8, 0);
          } else vm.despecialize(proto, pc - 1);
          pc += (ins >>> 16) - 0x8000;
          break;
        }
        case BC.RETM: case BC.RET: case BC.RET0: case BC.RET1: {
          const n = op === BC.RETM ? (ins >>> 16) + vm.multres : (ins >>> 16) - 1;
          sync();
          if (!calls.returnVia(stack.link(base - 8), base, base + 8 * a, n)) return;
          reload();
          break;
        }
        case BC.FORI: case BC.JFORI: {
          const ra = base + 8 * a;
          if (mem.read32(ra + 4) >= NUM_LIMIT || mem.read32(ra + 12) >= NUM_LIMIT || mem.read32(ra + 20) >= NUM_LIMIT) {
            sync();
            vm.coerceForLoop(ra);
          }
          const enters = forEnters(mem, ra);
          if (enters) mem.writeF64(ra + 24, mem.readF64(ra));
          if (!enters || op === BC.JFORI) pc += (ins >>> 16) - 0x8000;
          if (enters && op === BC.JFORI) {
            // As vm_x64's JFORI: an entered loop goes straight into the trace of its JFORL (just before the jump target).
            sync();
            vm.enterTrace(bc[pc - 1] >>> 16, proto, pc - 1, base);
            reload();
          }
          break;
        }
        case BC.FORL: case BC.IFORL: case BC.JFORL: {
          const ra = base + 8 * a;
          if (op === BC.FORL && vm.jitEnabled) {
            sync();
            vm.tickLoop(proto, pc, base);
          }
          if (forContinues(mem, ra)) {
            const idx = mem.readF64(ra) + mem.readF64(ra + 16);
            mem.writeF64(ra, idx);
            mem.writeF64(ra + 24, idx);
            if (op !== BC.JFORL) pc += (ins >>> 16) - 0x8000;
            else {
              // As vm_x64's JFORL: the loop step runs here, the trace only when the loop continues.
              sync();
              vm.enterTrace(ins >>> 16, proto, pc - 1, base);
              reload();
            }
          }
          break;
        }
        case BC.ITERL: case BC.IITERL: case BC.JITERL: {
          if (op === BC.ITERL && vm.jitEnabled) {
            sync();
            vm.tickLoop(proto, pc, base);
          }
          const ra = base + 8 * a;
          if (mem.read32(ra + 4) !== NIL_HI) {
            stack.copy(ra - 8, ra);
            if (op !== BC.JITERL) pc += (ins >>> 16) - 0x8000;
            else {
              sync();
              vm.enterTrace(ins >>> 16, proto, pc - 1, base);
              reload();
            }
          }
          break;
        }
        case BC.LOOP:
          if (vm.jitEnabled) {
            sync();
            vm.tickLoop(proto, pc, base);
          }
          break;
        case BC.ILOOP:
          break;
        case BC.JMP:
          pc += (ins >>> 16) - 0x8000;
          break;
        case BC.FUNCF:
          if (vm.jitEnabled) {
            sync();
            vm.tickCall(proto, pc, base);
          }
          break;
        case BC.IFUNCF:
          break;
        case BC.FUNCV: case BC.IFUNCV:
          sync();
          base = calls.varargFrame(base, vm.callNargs);
          break;
        case BC.JLOOP: case BC.JFUNCF: case BC.JFUNCV:
          sync();
          vm.enterTrace(ins >>> 16, proto, pc - 1, base);
          reload();
          break;
        default:
          sync();
          throw vm.runtimeError(`bytecode ${OP_NAMES[op]} is not executed by this interpreter`);
      }
    }
  } catch (err) {
    // An allocation on a fast path (TNEW, a table store) ran out of memory before the position
    // was handed over: the innermost dispatch hands it over once, so the error names this line.
    if (err instanceof LuaThrow && err.value === vm.heap.memoryError && !err.positioned) {
      err.positioned = true;
      sync();
    }
    throw err;
  } finally {
    vm.budget = Math.min(vm.budget, Math.max(budget, 0));
  }
}
