// The bytecode emitter half of lj_parse.c: constants, jump lists and their patching,
// register allocation, discharging expressions to registers, stores, conditional branches
// and the operator emitters (constant folding, arithmetic, comparisons, concatenation).
import {
  BC, BCBIAS_J, BCMAX_B, BCMAX_C, BCMAX_D, NO_REG,
  insA, insABC, insAD, insD, insJ, insOp, withA, withB, withD, withOp,
} from './bytecode';
import { LuaSyntaxError } from './errors';
import {
  ExpDesc, NO_JMP, VCALL, VGLOBAL, VINDEXED, VJMP, VKCDATA, VKFALSE, VKNIL, VKNUM, VKSTR, VKTRUE, VLOCAL, VNONRELOC, VRELOCABLE, VUPVAL,
  checki16, constPri, hasjump, isk, iskNojump, isnumk, isnumkNojump, num2int, numiszero,
} from './expdesc';
import { wrap } from './ctype';
import type { FuncState } from './funcstate';
import type { GcConstant } from './proto';
import type * as ast from 'luaparse';

export const OPR_ADD = 0, OPR_POW = 5, OPR_CONCAT = 6, OPR_NE = 7, OPR_EQ = 8, OPR_LT = 9, OPR_AND = 13, OPR_OR = 14;
export const BINOPR: Readonly<Record<string, number>> = {
  '+': 0, '-': 1, '*': 2, '/': 3, '%': 4, '^': 5, '..': 6, '~=': 7, '==': 8, '<': 9, '>=': 10, '<=': 11, '>': 12, and: 13, or: 14,
};

/** Arithmetic as lj_vm_foldarith does it (ORDER ARITH). */
function foldArith(op: number, a: number, b: number): number {
  switch (op) {
    case 0: return a + b;
    case 1: return a - b;
    case 2: return a * b;
    case 3: return a / b;
    case 4: return a - Math.floor(a / b) * b;
    default: return Math.pow(a, b);
  }
}

export abstract class BytecodeEmitter {
  protected fs!: FuncState;
  protected line = 0;

  constructor(protected readonly chunkname: string) {}

  // ---- errors --------------------------------------------------------------------------

  protected where(node?: ast.Node): string {
    return `${this.chunkname}:${node?.loc?.start.line ?? this.line}`;
  }

  protected syntax(message: string, node?: ast.Node): never {
    const col = node?.loc ? `:${node.loc.start.column + 1}` : '';
    throw new LuaSyntaxError(`${this.where(node)}${col}`, message);
  }

  // ---- constants ---------------------------------------------------------------------------

  protected constNum(e: ExpDesc): number {
    const fs = this.fs;
    const key = e.nval === 0 ? 0 : e.nval;
    const found = fs.knumIndex.get(key);
    if (found !== undefined) return found;
    fs.knumIndex.set(key, fs.knum.length);
    fs.knum.push(key);
    return fs.knum.length - 1;
  }

  protected constStrValue(s: string): number {
    const fs = this.fs;
    const found = fs.kstrIndex.get(s);
    if (found !== undefined) return found;
    fs.kstrIndex.set(s, fs.kgc.length);
    fs.kgc.push({ kind: 'str', value: s });
    return fs.kgc.length - 1;
  }

  protected constStr(e: ExpDesc): number {
    return this.constStrValue(e.sval);
  }

  protected constGc(k: GcConstant): number {
    this.fs.kgc.push(k);
    return this.fs.kgc.length - 1;
  }

  // ---- jump lists ------------------------------------------------------------------------

  protected jmpNext(pc: number): number {
    const delta = insJ(this.fs.bc[pc]);
    return delta === NO_JMP ? NO_JMP : pc + 1 + delta;
  }

  protected jmpNovalue(list: number): boolean {
    for (; list !== NO_JMP; list = this.jmpNext(list)) {
      const p = this.fs.bc[list >= 1 ? list - 1 : list];
      const op = insOp(p);
      if (!(op === BC.ISTC || op === BC.ISFC || insA(p) === NO_REG)) return true;
    }
    return false;
  }

  protected jmpPatchtestreg(pc: number, reg: number): boolean {
    const fs = this.fs;
    const ip = pc >= 1 ? pc - 1 : pc;
    const ins = fs.bc[ip];
    const op = insOp(ins);
    if (op === BC.ISTC || op === BC.ISFC) {
      if (reg !== NO_REG && reg !== insD(ins)) fs.bc[ip] = withA(ins, reg);
      else fs.bc[ip] = withA(withOp(ins, op + (BC.IST - BC.ISTC)), 0);
    } else if (insA(ins) === NO_REG) {
      // A constant loaded for a branch with no target register yet (bcemit_branch_t/f).
      if (reg === NO_REG) {
        fs.bc[ip] = insAD(BC.JMP, insA(fs.bc[pc]), BCBIAS_J);
      } else {
        fs.bc[ip] = withA(ins, reg);
        if (reg >= insA(fs.bc[ip + 1])) fs.bc[ip + 1] = withA(fs.bc[ip + 1], reg + 1);
      }
    } else {
      return false;
    }
    return true;
  }

  protected jmpDropval(list: number): void {
    for (; list !== NO_JMP; list = this.jmpNext(list)) this.jmpPatchtestreg(list, NO_REG);
  }

  protected jmpPatchins(pc: number, dest: number): void {
    const offset = dest - (pc + 1) + BCBIAS_J;
    if (offset > BCMAX_D || offset < 0) this.syntax('control structure too long');
    this.fs.bc[pc] = withD(this.fs.bc[pc], offset);
  }

  protected jmpAppend(l1: number, l2: number): number {
    if (l2 === NO_JMP) return l1;
    if (l1 === NO_JMP) return l2;
    let list = l1;
    for (let next = this.jmpNext(list); next !== NO_JMP; next = this.jmpNext(list)) list = next;
    this.jmpPatchins(list, l2);
    return l1;
  }

  protected jmpPatchval(list: number, vtarget: number, reg: number, dtarget: number): void {
    while (list !== NO_JMP) {
      const next = this.jmpNext(list);
      if (this.jmpPatchtestreg(list, reg)) this.jmpPatchins(list, vtarget);
      else this.jmpPatchins(list, dtarget);
      list = next;
    }
  }

  protected jmpTohere(list: number): void {
    this.fs.lasttarget = this.fs.pc;
    this.fs.jpc = this.jmpAppend(this.fs.jpc, list);
  }

  protected jmpPatch(list: number, target: number): void {
    if (target === this.fs.pc) this.jmpTohere(list);
    else this.jmpPatchval(list, target, NO_REG, target);
  }

  // ---- registers -------------------------------------------------------------------------

  protected regBump(n: number): void {
    const sz = this.fs.freereg + n;
    if (sz > this.fs.framesize) {
      if (sz >= 250) this.syntax('function or expression too complex');
      this.fs.framesize = sz;
    }
  }

  protected regReserve(n: number): void {
    this.regBump(n);
    this.fs.freereg += n;
  }

  protected regFree(reg: number): void {
    if (reg >= this.fs.nactvar) this.fs.freereg--;
  }

  protected exprFree(e: ExpDesc): void {
    if (e.k === VNONRELOC) this.regFree(e.info);
  }

  // ---- emitter ---------------------------------------------------------------------------

  protected emit(ins: number): number {
    const fs = this.fs;
    const pc = fs.pc;
    this.jmpPatchval(fs.jpc, pc, NO_REG, pc);
    fs.jpc = NO_JMP;
    fs.bc[pc] = ins;
    fs.lines[pc] = this.line;
    fs.pc = pc + 1;
    return pc;
  }

  protected emitABC(op: number, a: number, b: number, c: number): number {
    return this.emit(insABC(op, a, b, c));
  }

  protected emitAD(op: number, a: number, d: number): number {
    return this.emit(insAD(op, a, d));
  }

  protected emitAJ(op: number, a: number, j: number): number {
    return this.emit(insAD(op, a, (j + BCBIAS_J) & 0xffff));
  }

  protected discharge(e: ExpDesc): void {
    let ins: number;
    if (e.k === VUPVAL) {
      ins = insAD(BC.UGET, 0, e.info);
    } else if (e.k === VGLOBAL) {
      ins = insAD(BC.GGET, 0, this.constStr(e));
    } else if (e.k === VINDEXED) {
      const rc = e.aux;
      if (rc < 0) {
        ins = insABC(BC.TGETS, 0, e.info, ~rc);
      } else if (rc > BCMAX_C) {
        ins = insABC(BC.TGETB, 0, e.info, rc - (BCMAX_C + 1));
      } else {
        this.regFree(rc);
        ins = insABC(BC.TGETV, 0, e.info, rc);
      }
      this.regFree(e.info);
    } else if (e.k === VCALL) {
      e.info = e.aux;
      e.k = VNONRELOC;
      return;
    } else if (e.k === VLOCAL) {
      e.k = VNONRELOC;
      return;
    } else {
      return;
    }
    e.info = this.emit(ins);
    e.k = VRELOCABLE;
  }

  protected emitNil(from: number, n: number): void {
    const fs = this.fs;
    if (fs.pc > fs.lasttarget) {
      const ip = fs.pc - 1;
      const prev = fs.bc[ip];
      const pfrom = insA(prev);
      switch (insOp(prev)) {
        case BC.KPRI:
          if (insD(prev) !== VKNIL) break;
          if (from === pfrom) {
            if (n === 1) return;
          } else if (from === pfrom + 1) {
            from = pfrom;
            n++;
          } else {
            break;
          }
          fs.pc--;
          break;
        case BC.KNIL: {
          const pto = insD(prev);
          if (pfrom <= from && from <= pto + 1) {
            if (from + n - 1 > pto) fs.bc[ip] = withD(prev, from + n - 1);
            return;
          }
          break;
        }
        default:
          break;
      }
    }
    this.emit(n === 1 ? insAD(BC.KPRI, from, VKNIL) : insAD(BC.KNIL, from, from + n - 1));
  }

  protected toregNobranch(e: ExpDesc, reg: number): void {
    let ins: number;
    this.discharge(e);
    if (e.k === VKSTR) {
      ins = insAD(BC.KSTR, reg, this.constStr(e));
    } else if (e.k === VKNUM) {
      const n = e.nval;
      const k = num2int(n);
      if (checki16(k) && n === k) ins = insAD(BC.KSHORT, reg, k & 0xffff);
      else ins = insAD(BC.KNUM, reg, this.constNum(e));
    } else if (e.k === VKCDATA) {
      ins = insAD(BC.KCDATA, reg, this.constGc(e.cval!));
    } else if (e.k === VRELOCABLE) {
      this.fs.bc[e.info] = withA(this.fs.bc[e.info], reg);
      e.info = reg;
      e.k = VNONRELOC;
      return;
    } else if (e.k === VNONRELOC) {
      if (reg === e.info) {
        e.k = VNONRELOC;
        return;
      }
      ins = insAD(BC.MOV, reg, e.info);
    } else if (e.k === VKNIL) {
      this.emitNil(reg, 1);
      e.info = reg;
      e.k = VNONRELOC;
      return;
    } else if (e.k <= VKTRUE) {
      ins = insAD(BC.KPRI, reg, constPri(e));
    } else {
      return;
    }
    this.emit(ins);
    e.info = reg;
    e.k = VNONRELOC;
  }

  protected toreg(e: ExpDesc, reg: number): void {
    this.toregNobranch(e, reg);
    if (e.k === VJMP) e.t = this.jmpAppend(e.t, e.info);
    if (hasjump(e)) {
      let jfalse = NO_JMP, jtrue = NO_JMP;
      if (this.jmpNovalue(e.t) || this.jmpNovalue(e.f)) {
        const jval = e.k === VJMP ? NO_JMP : this.emitJmp();
        jfalse = this.emitAD(BC.KPRI, reg, VKFALSE);
        this.emitAJ(BC.JMP, this.fs.freereg, 1);
        jtrue = this.emitAD(BC.KPRI, reg, VKTRUE);
        this.jmpTohere(jval);
      }
      const jend = this.fs.pc;
      this.fs.lasttarget = jend;
      this.jmpPatchval(e.f, jend, reg, jfalse);
      this.jmpPatchval(e.t, jend, reg, jtrue);
    }
    e.f = e.t = NO_JMP;
    e.info = reg;
    e.k = VNONRELOC;
  }

  protected tonextreg(e: ExpDesc): void {
    this.discharge(e);
    this.exprFree(e);
    this.regReserve(1);
    this.toreg(e, this.fs.freereg - 1);
  }

  protected toanyreg(e: ExpDesc): number {
    this.discharge(e);
    if (e.k === VNONRELOC) {
      if (!hasjump(e)) return e.info;
      if (e.info >= this.fs.nactvar) {
        this.toreg(e, e.info);
        return e.info;
      }
    }
    this.tonextreg(e);
    return e.info;
  }

  protected toval(e: ExpDesc): void {
    if (hasjump(e)) this.toanyreg(e);
    else this.discharge(e);
  }

  protected store(v: ExpDesc, e: ExpDesc): void {
    let ins: number;
    if (v.k === VLOCAL) {
      this.fs.actvars[v.info].rw = true;
      this.exprFree(e);
      this.toreg(e, v.info);
      return;
    } else if (v.k === VUPVAL) {
      this.fs.uvs[v.info].entry.rw = true;
      this.toval(e);
      if (e.k <= VKTRUE) ins = insAD(BC.USETP, v.info, constPri(e));
      else if (e.k === VKSTR) ins = insAD(BC.USETS, v.info, this.constStr(e));
      else if (e.k === VKNUM) ins = insAD(BC.USETN, v.info, this.constNum(e));
      else ins = insAD(BC.USETV, v.info, this.toanyreg(e));
    } else if (v.k === VGLOBAL) {
      const ra = this.toanyreg(e);
      ins = insAD(BC.GSET, ra, this.constStr(v));
    } else {
      const ra = this.toanyreg(e);
      const rc = v.aux;
      if (rc < 0) ins = insABC(BC.TSETS, ra, v.info, ~rc);
      else if (rc > BCMAX_C) ins = insABC(BC.TSETB, ra, v.info, rc - (BCMAX_C + 1));
      else ins = insABC(BC.TSETV, ra, v.info, rc);
    }
    this.emit(ins);
    this.exprFree(e);
  }

  protected emitMethod(e: ExpDesc, key: ExpDesc): void {
    const obj = this.toanyreg(e);
    this.exprFree(e);
    const func = this.fs.freereg;
    this.emitAD(BC.MOV, func + 2, obj);
    const idx = this.constStr(key);
    if (idx <= BCMAX_C) {
      this.regReserve(3);
      this.emitABC(BC.TGETS, func, obj, idx);
    } else {
      this.regReserve(4);
      this.emitAD(BC.KSTR, func + 3, idx);
      this.emitABC(BC.TGETV, func, obj, func + 3);
      this.fs.freereg--;
    }
    e.info = func;
    e.k = VNONRELOC;
  }

  // ---- branches --------------------------------------------------------------------------

  protected emitJmp(): number {
    const fs = this.fs;
    const jpc = fs.jpc;
    let j = fs.pc - 1;
    fs.jpc = NO_JMP;
    if (j >= fs.lasttarget && j >= 0 && insOp(fs.bc[j]) === BC.UCLO) {
      fs.bc[j] = withD(fs.bc[j], (NO_JMP + BCBIAS_J) & 0xffff);
    } else {
      j = this.emitAJ(BC.JMP, fs.freereg, NO_JMP);
    }
    return this.jmpAppend(j, jpc);
  }

  protected invertcond(e: ExpDesc): void {
    const ip = e.info - 1;
    this.fs.bc[ip] = withOp(this.fs.bc[ip], insOp(this.fs.bc[ip]) ^ 1);
  }

  protected emitBranch(e: ExpDesc, cond: boolean): number {
    if (e.k === VRELOCABLE) {
      const ins = this.fs.bc[e.info];
      if (insOp(ins) === BC.NOT) {
        this.fs.bc[e.info] = insAD(cond ? BC.ISF : BC.IST, 0, insD(ins));
        return this.emitJmp();
      }
    }
    if (e.k !== VNONRELOC) {
      this.regReserve(1);
      this.toregNobranch(e, this.fs.freereg - 1);
    }
    this.emitAD(cond ? BC.ISTC : BC.ISFC, NO_REG, e.info);
    const pc = this.emitJmp();
    this.exprFree(e);
    return pc;
  }

  protected branchT(e: ExpDesc): void {
    let pc: number;
    this.discharge(e);
    if (e.k === VKSTR || e.k === VKNUM || e.k === VKTRUE) pc = NO_JMP;
    else if (e.k === VJMP) {
      this.invertcond(e);
      pc = e.info;
    } else if (e.k === VKFALSE || e.k === VKNIL) {
      this.toregNobranch(e, NO_REG);
      pc = this.emitJmp();
    } else pc = this.emitBranch(e, false);
    e.f = this.jmpAppend(e.f, pc);
    this.jmpTohere(e.t);
    e.t = NO_JMP;
  }

  protected branchF(e: ExpDesc): void {
    let pc: number;
    this.discharge(e);
    if (e.k === VKNIL || e.k === VKFALSE) pc = NO_JMP;
    else if (e.k === VJMP) pc = e.info;
    else if (e.k === VKSTR || e.k === VKNUM || e.k === VKTRUE) {
      this.toregNobranch(e, NO_REG);
      pc = this.emitJmp();
    } else pc = this.emitBranch(e, true);
    e.t = this.jmpAppend(e.t, pc);
    this.jmpTohere(e.f);
    e.f = NO_JMP;
  }

  // ---- operators -------------------------------------------------------------------------

  protected foldarith(opr: number, e1: ExpDesc, e2: ExpDesc): boolean {
    if (!isnumkNojump(e1) || !isnumkNojump(e2)) return false;
    const n = foldArith(opr - OPR_ADD, e1.nval, e2.nval);
    if (Number.isNaN(n) || Object.is(n, -0)) return false;
    e1.nval = n;
    return true;
  }

  protected arith(opr: number, e1: ExpDesc, e2: ExpDesc): void {
    let rb: number, rc: number, op: number;
    if (this.foldarith(opr, e1, e2)) return;
    if (opr === OPR_POW) {
      op = BC.POW;
      rc = this.toanyreg(e2);
      rb = this.toanyreg(e1);
    } else {
      op = opr - OPR_ADD + BC.ADDVV;
      this.toval(e2);
      if (isnumk(e2) && (rc = this.constNum(e2)) <= BCMAX_C) op -= BC.ADDVV - BC.ADDVN;
      else rc = this.toanyreg(e2);
      this.toval(e1);
      let t: number;
      if (isnumk(e1) && !isnumk(e2) && (t = this.constNum(e1)) <= BCMAX_B) {
        rb = rc;
        rc = t;
        op -= BC.ADDVV - BC.ADDNV;
      } else {
        rb = this.toanyreg(e1);
      }
    }
    if (e1.k === VNONRELOC && e1.info >= this.fs.nactvar) this.fs.freereg--;
    if (e2.k === VNONRELOC && e2.info >= this.fs.nactvar) this.fs.freereg--;
    e1.info = this.emitABC(op, 0, rb, rc);
    e1.k = VRELOCABLE;
  }

  protected comp(opr: number, e1: ExpDesc, e2: ExpDesc): void {
    const eret = e1;
    let ins: number;
    this.toval(e1);
    if (opr === OPR_EQ || opr === OPR_NE) {
      const op = opr === OPR_EQ ? BC.ISEQV : BC.ISNEV;
      if (isk(e1)) {
        e1 = e2;
        e2 = eret;
      }
      const ra = this.toanyreg(e1);
      this.toval(e2);
      switch (e2.k) {
        case VKNIL: case VKFALSE: case VKTRUE:
          ins = insAD(op + (BC.ISEQP - BC.ISEQV), ra, constPri(e2));
          break;
        case VKSTR:
          ins = insAD(op + (BC.ISEQS - BC.ISEQV), ra, this.constStr(e2));
          break;
        case VKNUM:
          ins = insAD(op + (BC.ISEQN - BC.ISEQV), ra, this.constNum(e2));
          break;
        default:
          ins = insAD(op, ra, this.toanyreg(e2));
          break;
      }
    } else {
      let op = opr - OPR_LT + BC.ISLT;
      let ra: number, rd: number;
      if ((op - BC.ISLT) & 1) {
        e1 = e2;
        e2 = eret;
        op = ((op - BC.ISLT) ^ 3) + BC.ISLT;
        this.toval(e1);
        ra = this.toanyreg(e1);
        rd = this.toanyreg(e2);
      } else {
        rd = this.toanyreg(e2);
        ra = this.toanyreg(e1);
      }
      ins = insAD(op, ra, rd);
    }
    if (e1.k === VNONRELOC && e1.info >= this.fs.nactvar) this.fs.freereg--;
    if (e2.k === VNONRELOC && e2.info >= this.fs.nactvar) this.fs.freereg--;
    this.emit(ins);
    eret.info = this.emitJmp();
    eret.k = VJMP;
  }

  protected binopLeft(op: number, e: ExpDesc): void {
    if (op === OPR_AND) this.branchT(e);
    else if (op === OPR_OR) this.branchF(e);
    else if (op === OPR_CONCAT) this.tonextreg(e);
    else if (op === OPR_EQ || op === OPR_NE) {
      if (!iskNojump(e)) this.toanyreg(e);
    } else if (!isnumkNojump(e)) this.toanyreg(e);
  }

  protected binop(op: number, e1: ExpDesc, e2: ExpDesc): void {
    if (op <= OPR_POW) {
      this.arith(op, e1, e2);
    } else if (op === OPR_AND) {
      this.discharge(e2);
      e2.f = this.jmpAppend(e2.f, e1.f);
      e1.copyFrom(e2);
    } else if (op === OPR_OR) {
      this.discharge(e2);
      e2.t = this.jmpAppend(e2.t, e1.t);
      e1.copyFrom(e2);
    } else if (op === OPR_CONCAT) {
      this.toval(e2);
      if (e2.k === VRELOCABLE && insOp(this.fs.bc[e2.info]) === BC.CAT) {
        this.exprFree(e1);
        this.fs.bc[e2.info] = withB(this.fs.bc[e2.info], e1.info);
        e1.info = e2.info;
      } else {
        this.tonextreg(e2);
        this.exprFree(e2);
        this.exprFree(e1);
        e1.info = this.emitABC(BC.CAT, 0, e1.info, e2.info);
      }
      e1.k = VRELOCABLE;
    } else {
      this.comp(op, e1, e2);
    }
  }

  protected unop(op: number, e: ExpDesc): void {
    if (op === BC.NOT) {
      const temp = e.f;
      e.f = e.t;
      e.t = temp;
      this.jmpDropval(e.f);
      this.jmpDropval(e.t);
      this.discharge(e);
      if (e.k === VKNIL || e.k === VKFALSE) {
        e.k = VKTRUE;
        return;
      } else if (isk(e) || e.k === VKCDATA) {
        e.k = VKFALSE;
        return;
      } else if (e.k === VJMP) {
        this.invertcond(e);
        return;
      } else if (e.k === VRELOCABLE) {
        this.regReserve(1);
        this.fs.bc[e.info] = withA(this.fs.bc[e.info], this.fs.freereg - 1);
        e.info = this.fs.freereg - 1;
        e.k = VNONRELOC;
      }
    } else {
      if (op === BC.UNM && !hasjump(e) && e.k === VKCDATA) {
        // A cdata literal is not interned: LuaJIT negates it in place.
        e.cval = { ...e.cval!, value: wrap(e.cval!.ctype, -e.cval!.value) };
        return;
      }
      if (op === BC.UNM && !hasjump(e) && isnumk(e) && !numiszero(e)) {
        e.nval = -e.nval;
        return;
      }
      this.toanyreg(e);
    }
    this.exprFree(e);
    e.info = this.emitAD(op, 0, e.info);
    e.k = VRELOCABLE;
  }
}
