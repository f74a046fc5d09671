// luaparse AST → LuaJIT 2.1 bytecode (GC64/FR2), following lj_parse.c step by step: the same
// expression descriptors (ExpDesc kinds), register allocator, constant tables, jump lists with
// patching, branch/test emission, loop inversion, scope/upvalue closing and break handling,
// so that `tracesim bc` lines up with `luajit -bl`.
import type * as ast from 'luaparse';
import { BC, BCBIAS_J, BCMAX_C, BCMAX_D, insA, insAD, insABC, insC, insD, insOp, withA, withB, withD, withOp } from './bytecode';
import { BINOPR, BytecodeEmitter } from './emitter';
import { LuaSyntaxError, NotSupportedError } from './errors';
import {
  ExpDesc, NO_JMP, VCALL, VGLOBAL, VINDEXED, VKFALSE, VKNIL, VKNUM, VKSTR, VKTRUE, VLOCAL, VNONRELOC, VRELOCABLE, VUPVAL, VVOID,
  checku8, isk, iskNojump, isnumk, isstrk, num2int, numiszero,
} from './expdesc';
import { FSCOPE_BREAK, FSCOPE_LOOP, FSCOPE_NOCLOSE, FSCOPE_UPVAL, FuncState } from './funcstate';
import type { PendingBreak, Scope, VarEntry } from './funcstate';
import { parseLua } from './parse';
import type { Proto, TemplateTable, VarInfo } from './proto';
import { UV_IMMUTABLE, UV_LOCAL } from './proto';

/** Compiles a whole chunk to its main prototype. `chunkname` is what locations and listings print. */
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

type Expr = ast.Expression;

const MULTRES_CALLS = new Set(['CallExpression', 'StringCallExpression', 'TableCallExpression']);

class Compiler extends BytecodeEmitter {
  /** Every upvalue of every prototype with the local it captures (directly or through a parent's upvalue). */
  private readonly upvalueRefs: { proto: Proto; index: number; entry: VarEntry }[] = [];
  /** Call nodes that are the first argument of a `f(...)` call: one '(' before them is the call's own. */
  private readonly firstCallArgs = new WeakSet<object>();

  constructor(private readonly source: string, chunkname: string) {
    super(chunkname);
  }

  compileMain(chunk: ast.Chunk, lastline: number): Proto {
    const fs = new FuncState(null, 0);
    this.fs = fs;
    fs.isVararg = true;
    this.scopeBegin({ nactvar: 0, flags: 0, vstart: 0, prev: null });
    this.emitAD(BC.FUNCV, 0, 0);
    this.block(chunk.body);
    const main = this.finish(lastline);
    // Only now is every assignment seen: mark the upvalues of never-reassigned locals
    // immutable (PROTO_UV_IMMUTABLE), as LuaJIT does; the recorder folds them to constants.
    for (const { proto, index, entry } of this.upvalueRefs) if (!entry.rw) (proto.uv as number[])[index] |= UV_IMMUTABLE;
    return main;
  }

  // ---- variables -------------------------------------------------------------------------

  private varNew(n: number, name: string): VarEntry {
    const fs = this.fs;
    if (fs.nactvar + n >= 200) this.syntax('too many local variables');
    const info: VarInfo = { name, slot: fs.nactvar + n, startpc: 0, endpc: 0 };
    const entry = { name, info };
    fs.actvars[fs.nactvar + n] = entry;
    return entry;
  }

  private varAdd(nvars: number): void {
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

  private lookupVar(fs: FuncState | null, name: string, e: ExpDesc, first: boolean): VarEntry | null {
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

  private variable(node: ast.Identifier, e: ExpDesc): void {
    this.line = node.loc!.start.line;
    this.lookupVar(this.fs, node.name, e, true);
  }

  // ---- scopes ------------------------------------------------------------------------------

  private scopeBegin(bl: Scope): void {
    bl.nactvar = this.fs.nactvar;
    bl.vstart = this.fs.gotos.length;
    bl.prev = this.fs.bl;
    this.fs.bl = bl;
  }

  private newScope(flags: number): Scope {
    const bl: Scope = { nactvar: 0, flags, vstart: 0, prev: null };
    this.scopeBegin(bl);
    return bl;
  }

  private scopeEnd(): void {
    const fs = this.fs;
    const bl = fs.bl!;
    fs.bl = bl.prev;
    this.varRemove(bl.nactvar);
    fs.freereg = fs.nactvar;
    if ((bl.flags & (FSCOPE_UPVAL | FSCOPE_NOCLOSE)) === FSCOPE_UPVAL) this.emitAJ(BC.UCLO, bl.nactvar, 0);
    if (bl.flags & FSCOPE_BREAK) {
      if (bl.flags & FSCOPE_LOOP) {
        const target = fs.pc;
        for (let i = bl.vstart; i < fs.gotos.length; i++) {
          const g = fs.gotos[i];
          if (!g.live) continue;
          g.live = false;
          fs.bc[g.pc] = withA(fs.bc[g.pc], fs.nactvar);
          this.jmpPatch(g.pc, target);
        }
      } else {
        for (let i = bl.vstart; i < fs.gotos.length; i++) {
          const g = fs.gotos[i];
          if (!g.live) continue;
          if (!bl.prev) this.syntax('no loop to break');
          bl.prev.flags |= FSCOPE_BREAK;
          g.slot = bl.nactvar;
          if (bl.flags & FSCOPE_UPVAL) this.golaClose(g);
        }
      }
    }
  }

  private golaClose(g: PendingBreak): void {
    const fs = this.fs;
    const ins = withA(fs.bc[g.pc], g.slot);
    fs.bc[g.pc] = ins;
    if (insOp(ins) === BC.JMP) {
      const next = this.jmpNext(g.pc);
      if (next !== NO_JMP) this.jmpPatch(next, g.pc);
      fs.bc[g.pc] = withD(withOp(fs.bc[g.pc], BC.UCLO), (NO_JMP + BCBIAS_J) & 0xffff);
    }
  }

  private scopeUvmark(fs: FuncState, level: number): void {
    let bl = fs.bl;
    while (bl && bl.nactvar > level) bl = bl.prev;
    if (bl) bl.flags |= FSCOPE_UPVAL;
  }

  // ---- function state ------------------------------------------------------------------------

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

  private finish(lastline: number): Proto {
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

  // ---- expressions -------------------------------------------------------------------------

  private expr(node: Expr, e: ExpDesc): void {
    switch (node.type) {
      case 'NumericLiteral':
        this.line = node.loc!.end.line;
        e.k = VKNUM; e.nval = node.value; e.t = e.f = NO_JMP;
        return;
      case 'StringLiteral':
        this.line = node.loc!.end.line;
        e.k = VKSTR; e.sval = stringValue(node); e.t = e.f = NO_JMP;
        return;
      case 'NilLiteral':
        this.line = node.loc!.end.line;
        e.k = VKNIL; e.t = e.f = NO_JMP;
        return;
      case 'BooleanLiteral':
        this.line = node.loc!.end.line;
        e.k = node.value ? VKTRUE : VKFALSE; e.t = e.f = NO_JMP;
        return;
      case 'TableConstructorExpression':
        this.table(node, e);
        return;
      case 'FunctionDeclaration':
        this.body(node, e, false, node.loc!.start.line);
        return;
      case 'UnaryExpression': {
        this.expr(node.argument, e);
        this.line = node.loc!.end.line;
        this.unop(node.operator === 'not' ? BC.NOT : node.operator === '-' ? BC.UNM : BC.LEN, e);
        return;
      }
      case 'BinaryExpression':
      case 'LogicalExpression': {
        const op = BINOPR[node.operator];
        this.expr(node.left, e);
        this.binopLeft(op, e);
        const e2 = new ExpDesc(VVOID);
        this.expr(node.right, e2);
        this.line = node.loc!.end.line;
        this.binop(op, e, e2);
        return;
      }
      default:
        this.primary(node, e);
        if (MULTRES_CALLS.has(node.type) && this.isParenthesized(node)) this.discharge(e);
        return;
    }
  }

  /** Counts the '(' directly before a call node beyond the one its own call syntax accounts for. */
  private isParenthesized(node: Expr): boolean {
    let i = (node as { range?: [number, number] }).range![0] - 1;
    let opens = 0;
    for (; i >= 0; i--) {
      const ch = this.source[i];
      if (ch === '(') opens++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') break;
    }
    return opens > (this.firstCallArgs.has(node) ? 1 : 0);
  }

  private primary(node: Expr, e: ExpDesc): void {
    switch (node.type) {
      case 'Identifier':
        this.variable(node, e);
        return;
      case 'MemberExpression': {
        if (node.indexer === ':') this.syntax("function arguments expected", node);
        this.primary(node.base, e);
        this.field(e, node.identifier.name);
        return;
      }
      case 'IndexExpression': {
        this.primary(node.base, e);
        this.toanyreg(e);
        const key = new ExpDesc(VVOID);
        this.expr(node.index, key);
        this.toval(key);
        this.index(e, key);
        return;
      }
      case 'CallExpression':
      case 'StringCallExpression':
      case 'TableCallExpression': {
        const base = node.base;
        if (base.type === 'MemberExpression' && base.indexer === ':') {
          this.primary(base.base, e);
          const key = new ExpDesc(VKSTR);
          key.sval = base.identifier.name;
          this.line = base.identifier.loc!.end.line;
          this.emitMethod(e, key);
        } else {
          this.primary(base, e);
          this.tonextreg(e);
          this.regReserve(1);
        }
        this.args(node, e);
        return;
      }
      default: {
        this.expr(node, e);
        this.discharge(e);
        return;
      }
    }
  }

  private field(v: ExpDesc, name: string): void {
    this.toanyreg(v);
    const key = new ExpDesc(VKSTR);
    key.sval = name;
    this.index(v, key);
  }

  private index(t: ExpDesc, e: ExpDesc): void {
    t.k = VINDEXED;
    if (isnumk(e)) {
      const n = e.nval;
      const k = num2int(n);
      if (checku8(k) && n === k) {
        t.aux = BCMAX_C + 1 + k;
        return;
      }
    } else if (isstrk(e)) {
      const idx = this.constStr(e);
      if (idx <= BCMAX_C) {
        t.aux = ~idx;
        return;
      }
    }
    t.aux = this.toanyreg(e);
  }

  private args(node: ast.CallExpression | ast.StringCallExpression | ast.TableCallExpression, e: ExpDesc): void {
    const fs = this.fs;
    const args = new ExpDesc(VVOID);
    const line = node.base.loc!.end.line;
    if (node.type === 'CallExpression') {
      if (node.arguments.length > 0) {
        this.firstCallArgs.add(node.arguments[0]);
        this.exprList(node.arguments, args);
        if (args.k === VCALL) fs.bc[args.info] = withB(fs.bc[args.info], 0);
      }
    } else if (node.type === 'TableCallExpression') {
      this.table(node.arguments as ast.TableConstructorExpression, args);
    } else {
      args.k = VKSTR;
      args.sval = stringValue(node.argument as ast.StringLiteral);
    }
    const base = e.info;
    let ins: number;
    if (args.k === VCALL) {
      ins = insABC(BC.CALLM, base, 2, args.aux - base - 1 - 1);
    } else {
      if (args.k !== VVOID) this.tonextreg(args);
      ins = insABC(BC.CALL, base, 2, fs.freereg - base - 1);
    }
    this.line = line;
    e.k = VCALL;
    e.info = this.emit(ins);
    e.aux = base;
    e.t = e.f = NO_JMP;
    fs.freereg = base + 1;
  }

  private exprList(list: readonly Expr[], v: ExpDesc): number {
    this.expr(list[0], v);
    for (let i = 1; i < list.length; i++) {
      this.tonextreg(v);
      v.copyFrom(new ExpDesc(VVOID));
      this.expr(list[i], v);
    }
    return list.length;
  }

  private table(node: ast.TableConstructorExpression, e: ExpDesc): void {
    const fs = this.fs;
    this.line = node.loc!.start.line;
    let template: Array<[number | string | boolean, number | string | boolean | null]> | null = null;
    let vcall = false, needarr = false;
    let narr = 1;
    let nhash = 0;
    let freg = fs.freereg;
    const pc = this.emitAD(BC.TNEW, freg, 0);
    e.k = VNONRELOC; e.info = freg; e.t = e.f = NO_JMP;
    this.regReserve(1);
    freg++;
    for (const fieldNode of node.fields) {
      const key = new ExpDesc(VVOID);
      const val = new ExpDesc(VVOID);
      vcall = false;
      if (fieldNode.type === 'TableKey') {
        this.expr(fieldNode.key, key);
        this.toval(key);
        if (!isk(key)) this.index(e, key);
        if (isnumk(key) && numiszero(key)) needarr = true;
        else nhash++;
      } else if (fieldNode.type === 'TableKeyString') {
        key.k = VKSTR;
        key.sval = fieldNode.key.name;
        nhash++;
      } else {
        key.k = VKNUM;
        key.nval = narr;
        narr++;
        needarr = vcall = true;
      }
      this.expr(fieldNode.value, val);
      let nonconst = true;
      if (isk(key) && key.k !== VKNIL && (key.k === VKSTR || iskNojump(val))) {
        if (!template) {
          template = [];
          const kidx = this.constGc({ kind: 'template', entries: template } as TemplateTable);
          fs.bc[pc] = insAD(BC.TDUP, freg - 1, kidx);
        }
        vcall = false;
        const k = constValue(key)!;
        if (iskNojump(val)) {
          setTemplate(template, k, constValue(val));
          nonconst = false;
        } else {
          setTemplate(template, k, null);
        }
      }
      if (nonconst) {
        if (val.k !== VCALL) {
          this.toanyreg(val);
          vcall = false;
        }
        if (isk(key)) this.index(e, key);
        this.store(e, val);
      }
      fs.freereg = freg;
    }
    if (vcall) {
      let ip = fs.pc - 1;
      const en = new ExpDesc(VKNUM);
      en.nval = 2 ** 52 + (narr - 1);
      if (narr > 256) {
        fs.pc--;
        ip--;
      }
      fs.bc[ip] = insAD(BC.TSETM, freg, this.constNum(en));
      fs.bc[ip - 1] = withB(fs.bc[ip - 1], 0);
    }
    if (pc === fs.pc - 1) {
      e.info = pc;
      fs.freereg--;
      e.k = VRELOCABLE;
    } else {
      e.k = VNONRELOC;
    }
    if (!template) {
      let n = narr;
      if (!needarr) n = 0;
      else if (n < 3) n = 3;
      else if (n > 0x7ff) n = 0x7ff;
      fs.bc[pc] = withD(fs.bc[pc], n | (hsize2hbits(nhash) << 11));
    }
  }

  private body(node: ast.FunctionDeclaration, e: ExpDesc, needself: boolean, line: number): void {
    const pfs = this.fs;
    const fs = new FuncState(pfs, line);
    this.fs = fs;
    this.newScope(0);
    let nparams = 0;
    if (needself) this.varNew(nparams++, 'self');
    for (const p of node.parameters) {
      if (p.type !== 'Identifier') throw new NotSupportedError(this.where(p), 'varargs (...)');
      this.varNew(nparams++, p.name);
    }
    this.varAdd(nparams);
    this.regReserve(nparams);
    fs.numparams = nparams;
    this.emitAD(BC.FUNCF, 0, 0);
    this.block(node.body);
    this.line = node.loc!.end.line;
    const proto = this.finish(node.loc!.end.line);
    pfs.children.push(proto);
    e.k = VRELOCABLE;
    e.info = this.emitAD(BC.FNEW, 0, this.constGc({ kind: 'proto', proto }));
    e.t = e.f = NO_JMP;
    if (!pfs.hasChild) {
      if (pfs.hasReturn) pfs.fixupReturn = true;
      pfs.hasChild = true;
    }
  }

  // ---- statements ----------------------------------------------------------------------------

  private block(stmts: readonly ast.Statement[]): void {
    for (const s of stmts) {
      this.statement(s);
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
    this.block(s.body);
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
      if (nret === 1) {
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

  private breakStatement(): void {
    const fs = this.fs;
    fs.bl!.flags |= FSCOPE_BREAK;
    fs.gotos.push({ pc: this.emitJmp(), slot: fs.nactvar, live: true });
  }
}
function isReturnOp(op: number): boolean {
  return op === BC.CALLMT || op === BC.CALLT || op === BC.RETM || op === BC.RET || op === BC.RET0 || op === BC.RET1;
}

function hsize2hbits(s: number): number {
  if (s === 0) return 0;
  if (s === 1) return 1;
  return 1 + (31 - Math.clz32(s - 1));
}

function stringValue(node: ast.StringLiteral): string {
  return node.value ?? '';
}

/** A constant's value for a template table; null for nil (the key stays absent). */
function constValue(e: ExpDesc): number | string | boolean | null {
  if (e.k === VKSTR) return e.sval;
  if (e.k === VKNUM) return e.nval;
  if (e.k === VKNIL) return null;
  return e.k === VKTRUE;
}

function setTemplate(entries: Array<[number | string | boolean, number | string | boolean | null]>, key: number | string | boolean, value: number | string | boolean | null): void {
  const found = entries.find((entry) => entry[0] === key);
  if (found) found[1] = value;
  else entries.push([key, value]);
}

