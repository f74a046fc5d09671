// luaparse AST → LuaJIT 2.1 bytecode (GC64/FR2), following lj_parse.c step by step: the same
// expression descriptors (ExpDesc kinds), register allocator, constant tables, jump lists with
// patching, branch/test emission, loop inversion, scope/upvalue closing, gotos, labels and
// breaks, so that `tracesim bc` lines up with `luajit -bl`. This file is the statement half;
// compile-expr.ts the expressions, scopes.ts variables and scopes, emitter.ts the emitter.
import type * as ast from 'luaparse';
import { BC, insA, insAD, insC, insD, insOp, withB } from './bytecode';
import { ExprCompiler } from './compile-expr';
import type { Expr } from './compile-expr';
import { LuaSyntaxError, NotSupportedError } from './errors';
import { ExpDesc, NO_JMP, VCALL, VINDEXED, VKFALSE, VKNIL, VLOCAL, VNONRELOC, VVOID } from './expdesc';
import { FSCOPE_BREAK, FSCOPE_GOLA, FSCOPE_LOOP, FSCOPE_UPVAL, FuncState } from './funcstate';
import { parseLua } from './parse';
import type { Proto } from './proto';
import { UV_IMMUTABLE } from './proto';
import { BREAK } from './scopes';

export function compileLua(source: string, chunkname: string): Proto {
  try {
    const chunk = parseLua(source, chunkname);
    return new Compiler(source, chunkname).compileMain(chunk, lastLineOf(source));
  } catch (err) {
    // luaparse and the compiler recurse on nesting; LuaJIT caps it (LJ_MAX_XLEVEL) instead.
    if (err instanceof RangeError) throw new LuaSyntaxError(`${chunkname}:1`, 'chunk has too many syntax levels');
    throw err;
  }
}

function lastLineOf(source: string): number {
  let lines = 1;
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lines++;
  return lines;
}

class Compiler extends ExprCompiler {
  compileMain(chunk: ast.Chunk, lastline: number): Proto {
    const fs = new FuncState(null, 0);
    this.fs = fs;
    fs.isVararg = true;
    this.newScope(0);
    this.emitAD(BC.FUNCV, 0, 0);
    this.block(chunk.body);
    const main = this.finish(lastline);
    // Only now is every assignment seen: mark the upvalues of never-reassigned locals
    // immutable (PROTO_UV_IMMUTABLE), as LuaJIT does; the recorder folds them to constants.
    for (const { proto, index, entry } of this.upvalueRefs) if (!entry.rw) (proto.uv as number[])[index] |= UV_IMMUTABLE;
    return main;
  }

  // ---- statements ----------------------------------------------------------------------------

  /** A block's statements; `untilFollows` for a repeat body (its labels are never trailing). */
  protected block(stmts: readonly ast.Statement[], untilFollows = false): void {
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (s.type === 'LabelStatement') {
        let j = i;
        while (j < stmts.length && stmts[j].type === 'LabelStatement') j++;
        this.labels(stmts.slice(i, j) as ast.LabelStatement[], j === stmts.length && !untilFollows);
        i = j - 1;
      } else this.statement(s);
      this.fs.freereg = this.fs.nactvar;
    }
    // What follows a block (its UCLO, a loop's back jump, the chunk's RET0) carries the line of
    // the block's last token, LuaJIT's ls->lastline.
    if (stmts.length > 0) this.line = stmts[stmts.length - 1].loc!.end.line;
  }

  private scopedBlock(stmts: readonly ast.Statement[]): void {
    this.newScope(0);
    this.block(stmts);
    this.scopeEnd();
  }

  private statement(s: ast.Statement): void {
    const line = s.loc!.start.line;
    this.line = line;
    switch (s.type) {
      case 'LocalStatement': return this.localStatement(s);
      case 'AssignmentStatement': return this.assignment(s);
      case 'CallStatement': {
        const v = new ExpDesc(VVOID);
        this.primary(s.expression as Expr, v);
        if (v.k !== VCALL) this.syntax('syntax error', s);
        this.fs.bc[v.info] = withB(this.fs.bc[v.info], 1);
        return;
      }
      case 'FunctionDeclaration': return this.functionStatement(s, line);
      case 'DoStatement': return this.scopedBlock(s.body);
      case 'WhileStatement': return this.whileStatement(s);
      case 'RepeatStatement': return this.repeatStatement(s);
      case 'IfStatement': return this.ifStatement(s);
      case 'ForNumericStatement': return this.forNum(s, line);
      case 'ForGenericStatement': return this.forIter(s, line);
      case 'ReturnStatement': return this.returnStatement(s);
      case 'BreakStatement': return this.breakStatement();
      case 'GotoStatement': return this.gotoStatement(s);
      default: throw new NotSupportedError(this.where(s), s.type);
    }
  }

  private localStatement(s: ast.LocalStatement): void {
    let nvars = 0;
    for (const v of s.variables) this.varNew(nvars++, v.name);
    const e = new ExpDesc(VVOID);
    let nexps = 0;
    if (s.init.length > 0) nexps = this.exprList(s.init, e);
    this.assignAdjust(nvars, nexps, e);
    this.varAdd(nvars);
  }

  private functionStatement(s: ast.FunctionDeclaration, line: number): void {
    const fs = this.fs;
    if (s.isLocal) {
      const id = s.identifier as ast.Identifier;
      this.varNew(0, id.name);
      const v = new ExpDesc(VLOCAL, fs.freereg);
      this.regReserve(1);
      this.varAdd(1);
      const b = new ExpDesc(VVOID);
      this.body(s, b, false, line);
      this.exprFree(b);
      this.toreg(b, v.info);
      fs.actvars[fs.nactvar - 1].info.startpc = fs.pc;
      return;
    }
    const v = new ExpDesc(VVOID);
    let needself = false;
    const name = s.identifier as ast.Identifier | ast.MemberExpression;
    const chain: ast.MemberExpression[] = [];
    let root: ast.Expression = name;
    while (root.type === 'MemberExpression') {
      chain.unshift(root);
      root = root.base;
    }
    this.variable(root as ast.Identifier, v);
    for (const m of chain) {
      if (m.indexer === ':') needself = true;
      this.field(v, m.identifier.name);
    }
    const b = new ExpDesc(VVOID);
    this.body(s, b, needself, line);
    this.store(v, b);
    this.fs.lines[this.fs.pc - 1] = line;
  }

  private assignHazard(lhs: readonly ExpDesc[], v: ExpDesc): void {
    const fs = this.fs;
    const reg = v.info;
    const tmp = fs.freereg;
    let hazard = false;
    for (const lh of lhs) {
      if (lh.k === VINDEXED) {
        if (lh.info === reg) {
          hazard = true;
          lh.info = tmp;
        }
        if (lh.aux === reg) {
          hazard = true;
          lh.aux = tmp;
        }
      }
    }
    if (hazard) {
      this.emitAD(BC.MOV, tmp, reg);
      this.regReserve(1);
    }
  }

  private assignAdjust(nvars: number, nexps: number, e: ExpDesc): void {
    const fs = this.fs;
    let extra = nvars - nexps;
    if (e.k === VCALL) {
      extra++;
      if (extra < 0) extra = 0;
      fs.bc[e.info] = withB(fs.bc[e.info], extra + 1);
      if (extra > 1) this.regReserve(extra - 1);
    } else {
      if (e.k !== VVOID) this.tonextreg(e);
      if (extra > 0) {
        const reg = fs.freereg;
        this.regReserve(extra);
        this.emitNil(reg, extra);
      }
    }
    if (nexps > nvars) fs.freereg -= nexps - nvars;
  }

  private assignment(s: ast.AssignmentStatement): void {
    const lhs: ExpDesc[] = [];
    for (const target of s.variables) {
      const v = new ExpDesc(VVOID);
      this.primary(target as Expr, v);
      if (v.k < VLOCAL || v.k > VINDEXED) this.syntax('syntax error', target);
      if (lhs.length > 0 && v.k === VLOCAL) this.assignHazard(lhs, v);
      lhs.push(v);
    }
    const nvars = lhs.length;
    const e = new ExpDesc(VVOID);
    const nexps = this.exprList(s.init, e);
    let i = nvars - 1;
    if (nexps === nvars) {
      if (e.k === VCALL) {
        e.info = e.aux;
        e.k = VNONRELOC;
      }
      this.store(lhs[i], e);
      i--;
    } else {
      this.assignAdjust(nvars, nexps, e);
    }
    for (; i >= 0; i--) this.store(lhs[i], new ExpDesc(VNONRELOC, this.fs.freereg - 1));
  }

  private cond(node: Expr): number {
    const v = new ExpDesc(VVOID);
    this.expr(node, v);
    if (v.k === VKNIL) v.k = VKFALSE;
    this.branchT(v);
    return v.f;
  }

  private whileStatement(s: ast.WhileStatement): void {
    const fs = this.fs;
    const start = (fs.lasttarget = fs.pc);
    const condexit = this.cond(s.condition);
    this.newScope(FSCOPE_LOOP);
    const loop = this.emitAD(BC.LOOP, fs.nactvar, 0);
    this.scopedBlock(s.body);
    this.jmpPatch(this.emitJmp(), start);
    this.scopeEnd();
    this.jmpTohere(condexit);
    this.jmpPatchins(loop, fs.pc);
  }

  private repeatStatement(s: ast.RepeatStatement): void {
    const fs = this.fs;
    const loop = (fs.lasttarget = fs.pc);
    this.newScope(FSCOPE_LOOP);
    const bl2 = this.newScope(0);
    this.emitAD(BC.LOOP, fs.nactvar, 0);
    this.block(s.body, true);
    let condexit = this.cond(s.condition);
    if (!(bl2.flags & FSCOPE_UPVAL)) {
      this.scopeEnd();
    } else {
      this.breakStatement();
      this.jmpTohere(condexit);
      this.scopeEnd();
      condexit = this.emitJmp();
    }
    this.jmpPatch(condexit, loop);
    this.jmpPatchins(loop, fs.pc);
    this.scopeEnd();
  }

  private ifStatement(s: ast.IfStatement): void {
    let escapelist = NO_JMP;
    let flist = NO_JMP;
    for (const clause of s.clauses) {
      if (clause.type === 'IfClause') {
        flist = this.then(clause);
      } else if (clause.type === 'ElseifClause') {
        escapelist = this.jmpAppend(escapelist, this.emitJmp());
        this.jmpTohere(flist);
        flist = this.then(clause);
      } else {
        escapelist = this.jmpAppend(escapelist, this.emitJmp());
        this.jmpTohere(flist);
        flist = NO_JMP;
        this.scopedBlock(clause.body);
      }
    }
    escapelist = this.jmpAppend(escapelist, flist);
    this.jmpTohere(escapelist);
  }

  private then(clause: ast.IfClause | ast.ElseifClause): number {
    this.line = clause.loc!.start.line;
    const condexit = this.cond(clause.condition);
    this.scopedBlock(clause.body);
    return condexit;
  }

  private exprNext(node: Expr): void {
    const e = new ExpDesc(VVOID);
    this.expr(node, e);
    this.tonextreg(e);
  }

  private forNum(s: ast.ForNumericStatement, line: number): void {
    const fs = this.fs;
    this.newScope(FSCOPE_LOOP);
    const base = fs.freereg;
    this.varNew(0, '(for index)');
    this.varNew(1, '(for limit)');
    this.varNew(2, '(for step)');
    this.varNew(3, s.variable.name);
    this.exprNext(s.start);
    this.exprNext(s.end);
    if (s.step) {
      this.exprNext(s.step);
    } else {
      this.emitAD(BC.KSHORT, fs.freereg, 1);
      this.regReserve(1);
    }
    this.varAdd(3);
    const loop = this.emitAJ(BC.FORI, base, NO_JMP);
    this.newScope(0);
    this.varAdd(1);
    this.regReserve(1);
    this.scopedBlock(s.body);
    this.scopeEnd();
    this.line = line;
    const loopend = this.emitAJ(BC.FORL, base, NO_JMP);
    fs.lines[loopend] = line;
    this.jmpPatchins(loopend, loop + 1);
    this.jmpPatchins(loop, fs.pc);
    this.scopeEnd();
  }

  private predictNext(pc: number): boolean {
    const fs = this.fs;
    if (pc >= fs.pc) return false;
    const ins = fs.bc[pc];
    let name: string;
    switch (insOp(ins)) {
      case BC.MOV:
        if (insD(ins) >= fs.nactvar) return false;
        name = fs.actvars[insD(ins)].name;
        break;
      case BC.UGET:
        name = fs.uvs[insD(ins)].entry.name;
        break;
      case BC.GGET:
        return fs.kstrIndex.get('pairs') === insD(ins) || fs.kstrIndex.get('next') === insD(ins);
      default:
        return false;
    }
    return name === 'pairs' || name === 'next';
  }

  private forIter(s: ast.ForGenericStatement, line: number): void {
    const fs = this.fs;
    this.newScope(FSCOPE_LOOP);
    const base = fs.freereg + 3;
    const exprpc = fs.pc;
    let nvars = 0;
    this.varNew(nvars++, '(for generator)');
    this.varNew(nvars++, '(for state)');
    this.varNew(nvars++, '(for control)');
    for (const v of s.variables) this.varNew(nvars++, v.name);
    const iterLine = s.iterators[0].loc!.start.line;
    const e = new ExpDesc(VVOID);
    this.assignAdjust(3, this.exprList(s.iterators, e), e);
    this.regBump(3 + 1);
    const isnext = nvars <= 5 && this.predictNext(exprpc);
    this.varAdd(3);
    const loop = this.emitAJ(isnext ? BC.ISNEXT : BC.JMP, base, NO_JMP);
    this.newScope(0);
    this.varAdd(nvars - 3);
    this.regReserve(nvars - 3);
    this.scopedBlock(s.body);
    this.scopeEnd();
    this.jmpPatchins(loop, fs.pc);
    this.line = iterLine;
    this.emitABC(isnext ? BC.ITERN : BC.ITERC, base, nvars - 3 + 1, 2 + 1);
    const loopend = this.emitAJ(BC.ITERL, base, NO_JMP);
    fs.lines[loopend - 1] = iterLine;
    fs.lines[loopend] = iterLine;
    this.jmpPatchins(loopend, loop + 1);
    this.line = line;
    this.scopeEnd();
  }

  private returnStatement(s: ast.ReturnStatement): void {
    const fs = this.fs;
    let ins: number;
    fs.hasReturn = true;
    if (s.arguments.length === 0) {
      ins = insAD(BC.RET0, 0, 1);
    } else {
      const e = new ExpDesc(VVOID);
      const nret = this.exprList(s.arguments, e);
      if (nret === 1 && e.k === VCALL && insOp(fs.bc[e.info]) === BC.VARG) {
        // 'return ...' is no tail call (there is no VARGT).
        fs.bc[e.info] = withB(fs.bc[e.info], 0);
        ins = insAD(BC.RETM, fs.nactvar, e.aux - fs.nactvar);
      } else if (nret === 1) {
        if (e.k === VCALL) {
          const callIns = fs.bc[e.info];
          fs.pc--;
          ins = insAD(insOp(callIns) - BC.CALL + BC.CALLT, insA(callIns), insC(callIns));
        } else {
          ins = insAD(BC.RET1, this.toanyreg(e), 2);
        }
      } else if (e.k === VCALL) {
        fs.bc[e.info] = withB(fs.bc[e.info], 0);
        ins = insAD(BC.RETM, fs.nactvar, e.aux - fs.nactvar);
      } else {
        this.tonextreg(e);
        ins = insAD(BC.RET, fs.nactvar, nret + 1);
      }
    }
    if (fs.hasChild) this.emitAJ(BC.UCLO, 0, 0);
    this.emit(ins);
  }

  /** parse_break: a goto to the loop's break label. */
  private breakStatement(): void {
    this.fs.bl!.flags |= FSCOPE_BREAK;
    this.golaNew(BREAK, 'goto', this.emitJmp());
  }

  /** parse_goto: a backward goto to a label of this scope is a loop (a LOOP with no range check). */
  private gotoStatement(s: ast.GotoStatement): void {
    const fs = this.fs;
    const label = this.golaFindLabel(s.label.name);
    if (label) this.emitAJ(BC.LOOP, label.slot, -1);
    fs.bl!.flags |= FSCOPE_GOLA;
    this.golaNew(s.label.name, 'goto', this.emitJmp());
  }

  /**
   * parse_label for a run of consecutive labels: each is placed here; when nothing but labels
   * follows up to the end of the block (not an `until`), they count as outside the block's
   * locals. LuaJIT resolves them innermost first, as it parses them recursively.
   */
  private labels(run: readonly ast.LabelStatement[], trailing: boolean): void {
    const fs = this.fs;
    const placed: number[] = [];
    for (const s of run) {
      this.line = s.loc!.start.line;
      fs.lasttarget = fs.pc;
      fs.bl!.flags |= FSCOPE_GOLA;
      if (this.golaFindLabel(s.label.name)) this.syntax(`label '${s.label.name}' already defined`, s);
      placed.push(this.golaNew(s.label.name, 'label', fs.pc));
    }
    for (let i = placed.length - 1; i >= 0; i--) {
      if (trailing) fs.gotos[placed[i]].slot = fs.bl!.nactvar;
      this.golaResolve(fs.bl!, placed[i]);
    }
  }
}
