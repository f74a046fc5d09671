// Variables, scopes and jumps between them, as lj_parse.c keeps them: locals and upvalues
// (var_new/var_add/var_lookup), block scopes that close upvalues (fscope_begin/fscope_end),
// gotos, labels and breaks (gola_new/_patch/_close/_resolve/_fixup: a break is a goto to the
// loop's hidden label), and finishing a function (fs_fixup_ret, fs_finish).
import { BC, BCBIAS_J, BCMAX_D, insAD, insOp, withA, withD, withOp } from './bytecode';
import { BytecodeEmitter } from './emitter';
import { ExpDesc, NO_JMP, VGLOBAL, VLOCAL, VUPVAL } from './expdesc';
import { FSCOPE_BREAK, FSCOPE_GOLA, FSCOPE_LOOP, FSCOPE_NOCLOSE, FSCOPE_UPVAL, FuncState } from './funcstate';
import type { Gola, Scope, VarEntry } from './funcstate';
import type { Proto, VarInfo } from './proto';
import { UV_LOCAL } from './proto';

/** The name a break's goto and its loop's label share (NAME_BREAK). */
export const BREAK = '(break)';

export abstract class ScopeCompiler extends BytecodeEmitter {
  /** Every upvalue of every prototype with the local it captures (directly or through a parent's upvalue). */
  protected readonly upvalueRefs: { proto: Proto; index: number; entry: VarEntry }[] = [];

  // ---- variables -------------------------------------------------------------------------

  protected varNew(n: number, name: string): VarEntry {
    const fs = this.fs;
    if (fs.nactvar + n >= 200) this.syntax('too many local variables');
    const info: VarInfo = { name, slot: fs.nactvar + n, startpc: 0, endpc: 0 };
    const entry = { name, info };
    fs.actvars[fs.nactvar + n] = entry;
    return entry;
  }

  protected varAdd(nvars: number): void {
    const fs = this.fs;
    fs.nactvar += nvars;
    for (; nvars > 0; nvars--) {
      const v = fs.actvars[fs.nactvar - nvars];
      v.info.startpc = fs.pc;
      fs.allvars.push(v.info);
    }
  }

  private varRemove(tolevel: number): void {
    const fs = this.fs;
    while (fs.nactvar > tolevel) fs.actvars[--fs.nactvar].info.endpc = fs.pc;
  }

  private lookupLocal(fs: FuncState, name: string): number {
    for (let i = fs.nactvar - 1; i >= 0; i--) if (fs.actvars[i].name === name) return i;
    return -1;
  }

  private lookupUv(fs: FuncState, entry: VarEntry, e: ExpDesc): number {
    const n = fs.uvs.length;
    for (let i = 0; i < n; i++) if (fs.uvs[i].entry === entry) return i;
    if (n >= 60) this.syntax('too many upvalues');
    fs.uvs.push({ entry, desc: e.k === VLOCAL ? e.info | UV_LOCAL : e.info });
    return n;
  }

  protected lookupVar(fs: FuncState | null, name: string, e: ExpDesc, first: boolean): VarEntry | null {
    if (fs) {
      const reg = this.lookupLocal(fs, name);
      if (reg >= 0) {
        e.k = VLOCAL;
        e.info = reg;
        e.t = e.f = NO_JMP;
        if (!first) this.scopeUvmark(fs, reg);
        return fs.actvars[reg];
      }
      const entry = this.lookupVar(fs.prev, name, e, false);
      if (entry) {
        e.info = this.lookupUv(fs, entry, e);
        e.k = VUPVAL;
        return entry;
      }
      return null;
    }
    e.k = VGLOBAL;
    e.info = 0;
    e.t = e.f = NO_JMP;
    e.sval = name;
    return null;
  }

  // ---- scopes ------------------------------------------------------------------------------

  private scopeBegin(bl: Scope): void {
    bl.nactvar = this.fs.nactvar;
    bl.vstart = this.fs.gotos.length;
    bl.prev = this.fs.bl;
    this.fs.bl = bl;
  }

  protected newScope(flags: number): Scope {
    const bl: Scope = { nactvar: 0, flags, vstart: 0, prev: null };
    this.scopeBegin(bl);
    return bl;
  }

  /** fscope_end: drop the scope's locals, close its upvalues, resolve its breaks, gotos and labels. */
  protected scopeEnd(): void {
    const fs = this.fs;
    const bl = fs.bl!;
    fs.bl = bl.prev;
    this.varRemove(bl.nactvar);
    fs.freereg = fs.nactvar;
    if ((bl.flags & (FSCOPE_UPVAL | FSCOPE_NOCLOSE)) === FSCOPE_UPVAL) this.emitAJ(BC.UCLO, bl.nactvar, 0);
    if (bl.flags & FSCOPE_BREAK) {
      if (bl.flags & FSCOPE_LOOP) {
        // The loop's break label: here, dropped at once.
        const idx = this.golaNew(BREAK, 'label', fs.pc);
        const label = fs.gotos[idx];
        fs.gotos.length = idx;
        this.golaResolve(bl, idx, label);
      } else {
        this.golaFixup(bl);
        return;
      }
    }
    if (bl.flags & FSCOPE_GOLA) this.golaFixup(bl);
  }

  protected scopeUvmark(fs: FuncState, level: number): void {
    let bl = fs.bl;
    while (bl && bl.nactvar > level) bl = bl.prev;
    if (bl) bl.flags |= FSCOPE_UPVAL;
  }

  // ---- gotos and labels --------------------------------------------------------------------

  protected golaNew(name: string, kind: Gola['kind'], pc: number): number {
    this.fs.gotos.push({ name, kind, pc, slot: this.fs.nactvar, live: true });
    return this.fs.gotos.length - 1;
  }

  /** gola_patch: the goto jumps to the label, closing down to the label's level. */
  private golaPatch(vg: Gola, vl: Gola): void {
    const fs = this.fs;
    vg.live = false;
    fs.bc[vg.pc] = withA(fs.bc[vg.pc], vl.slot);
    this.jmpPatch(vg.pc, vl.pc);
  }

  /** gola_close: the goto leaves a scope with upvalues: its JMP becomes a UCLO. */
  private golaClose(vg: Gola): void {
    const fs = this.fs;
    fs.bc[vg.pc] = withA(fs.bc[vg.pc], vg.slot);
    if (insOp(fs.bc[vg.pc]) === BC.JMP) {
      const next = this.jmpNext(vg.pc);
      if (next !== NO_JMP) this.jmpPatch(next, vg.pc);
      fs.bc[vg.pc] = withD(withOp(fs.bc[vg.pc], BC.UCLO), (NO_JMP + BCBIAS_J) & 0xffff);
    }
  }

  /** gola_resolve: pending forward gotos of this scope to the label at `idx`. */
  protected golaResolve(bl: Scope, idx: number, vl: Gola = this.fs.gotos[idx]): void {
    const fs = this.fs;
    for (let i = bl.vstart; i < idx; i++) {
      const vg = fs.gotos[i];
      if (!vg.live || vg.name !== vl.name || vg.kind !== 'goto') continue;
      if (vg.slot < vl.slot) {
        this.line = fs.lines[vg.pc];
        this.syntax(`<goto ${vg.name}> jumps into the scope of local '${fs.actvars[vg.slot].name}'`);
      }
      this.golaPatch(vg, vl);
    }
  }

  /** gola_fixup: at the end of a scope, its labels resolve backward gotos; other gotos move to the outer scope. */
  private golaFixup(bl: Scope): void {
    const fs = this.fs;
    const end = fs.gotos.length;
    for (let i = bl.vstart; i < end; i++) {
      const v = fs.gotos[i];
      if (!v.live) continue;
      if (v.kind === 'label') {
        v.live = false;
        for (let j = i + 1; j < end; j++) {
          const vg = fs.gotos[j];
          if (vg.live && vg.name === v.name && vg.kind === 'goto') {
            if ((bl.flags & FSCOPE_UPVAL) && vg.slot > v.slot) this.golaClose(vg);
            this.golaPatch(vg, v);
          }
        }
      } else if (bl.prev) {
        bl.prev.flags |= v.name === BREAK ? FSCOPE_BREAK : FSCOPE_GOLA;
        v.slot = bl.nactvar;
        if (bl.flags & FSCOPE_UPVAL) this.golaClose(v);
      } else {
        this.line = fs.lines[v.pc];
        this.syntax(v.name === BREAK ? 'no loop to break' : `undefined label '${v.name}'`);
      }
    }
  }

  /** gola_findlabel: a label of the current scope. */
  protected golaFindLabel(name: string): Gola | undefined {
    const fs = this.fs;
    for (let i = fs.bl!.vstart; i < fs.gotos.length; i++) {
      const v = fs.gotos[i];
      if (v.live && v.kind === 'label' && v.name === name) return v;
    }
    return undefined;
  }

  // ---- finishing a function ------------------------------------------------------------------

  private fixupRet(): void {
    const fs = this.fs;
    const lastpc = fs.pc;
    if (lastpc <= fs.lasttarget || !isReturnOp(insOp(fs.bc[lastpc - 1]))) {
      if (fs.bl!.flags & FSCOPE_UPVAL) this.emitAJ(BC.UCLO, 0, 0);
      this.emitAD(BC.RET0, 0, 1);
    }
    fs.bl!.flags |= FSCOPE_NOCLOSE;
    this.scopeEnd();
    if (fs.fixupReturn) {
      for (let pc = 1; pc < lastpc; pc++) {
        const ins = fs.bc[pc];
        const op = insOp(ins);
        if (isReturnOp(op)) {
          const copied = this.emit(ins);
          fs.lines[copied] = fs.lines[pc];
          const offset = copied - (pc + 1) + BCBIAS_J;
          if (offset > BCMAX_D) this.syntax('function too long for return fixup');
          fs.bc[pc] = insAD(BC.UCLO, 0, offset);
        } else if (op === BC.FNEW) {
          return;
        }
      }
    }
  }

  protected finish(lastline: number): Proto {
    const fs = this.fs;
    this.fixupRet();
    const n = fs.pc;
    const bc = new Uint32Array(n);
    const lines = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      bc[i] = fs.bc[i];
      lines[i] = fs.lines[i];
    }
    bc[0] = insAD(fs.isVararg ? BC.FUNCV : BC.FUNCF, fs.framesize, 0);
    lines[0] = fs.linedefined;
    const proto: Proto = {
      chunkname: this.chunkname,
      firstline: fs.linedefined,
      lastline,
      numparams: fs.numparams,
      framesize: fs.framesize,
      isVararg: fs.isVararg,
      bc,
      lines,
      knum: fs.knum,
      kgc: fs.kgc,
      uv: fs.uvs.map((u) => u.desc),
      uvnames: fs.uvs.map((u) => u.entry.name),
      vars: fs.allvars,
      children: fs.children,
      bcAddress: 0,
      closures: 0,
    };
    fs.uvs.forEach((u, index) => this.upvalueRefs.push({ proto, index, entry: u.entry }));
    if (fs.prev) this.fs = fs.prev;
    return proto;
  }
}

function isReturnOp(op: number): boolean {
  return op === BC.CALLMT || op === BC.CALLT || op === BC.RETM || op === BC.RET || op === BC.RET0 || op === BC.RET1;
}
