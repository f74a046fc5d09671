// The expression half of the compiler (expr_* and parse_args/parse_body of lj_parse.c):
// constants, variables, indexing, calls, varargs, table constructors and function bodies, on
// top of the emitter's expression descriptors.
import type * as ast from 'luaparse';
import { BC, BCMAX_C, insABC, insAD, withB, withD } from './bytecode';
import { BINOPR } from './emitter';
import { NotSupportedError } from './errors';
import {
  ExpDesc, NO_JMP, VCALL, VINDEXED, VKCDATA, VKFALSE, VKNIL, VKNUM, VKSTR, VKTRUE, VNONRELOC, VRELOCABLE, VVOID,
  checku8, isk, iskNojump, isnumk, isstrk, num2int, numiszero,
} from './expdesc';
import { FuncState } from './funcstate';
import type { TemplateTable } from './proto';
import { ScopeCompiler } from './scopes';
import { decodeStringLiteral } from './strlit';
import { CTYPE_NAMES, wrap } from './ctype';
import { hsize2hbits } from './table-sizing';

export type Expr = ast.Expression;

const MULTRES_EXPRS = new Set(['CallExpression', 'StringCallExpression', 'TableCallExpression', 'VarargLiteral']);

export abstract class ExprCompiler extends ScopeCompiler {
  /** Call nodes that are the first argument of a `f(...)` call: one '(' before them is the call's own. */
  private readonly firstCallArgs = new WeakSet<object>();

  constructor(protected readonly source: string, chunkname: string) {
    super(chunkname);
  }

  /** A block of statements (the statement half of the compiler). */
  protected abstract block(stmts: readonly ast.Statement[]): void;

  protected variable(node: ast.Identifier, e: ExpDesc): void {
    this.line = node.loc!.start.line;
    this.lookupVar(this.fs, node.name, e, true);
  }

  // ---- expressions -------------------------------------------------------------------------

  protected expr(node: Expr, e: ExpDesc): void {
    switch (node.type) {
      case 'NumericLiteral':
        this.line = node.loc!.end.line;
        this.numeric(node, e);
        return;
      case 'VarargLiteral': {
        // expr_simple's TK_dots: one value by default; callers widen it to all (B = 0).
        const fs = this.fs;
        if (!fs.isVararg) this.syntax("cannot use '...' outside a vararg function", node);
        this.line = node.loc!.end.line;
        this.regReserve(1);
        const base = fs.freereg - 1;
        e.k = VCALL;
        e.info = this.emitABC(BC.VARG, base, 2, fs.numparams);
        e.aux = base;
        e.t = e.f = NO_JMP;
        if (this.isParenthesized(node)) this.discharge(e);
        return;
      }
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
        if (MULTRES_EXPRS.has(node.type) && this.isParenthesized(node)) this.discharge(e);
        return;
    }
  }

  /**
   * A number literal: a double, or LuaJIT's 64-bit integer cdata for `LL`/`ULL` suffixes
   * (lj_lex's lex_number). Imaginary literals (`1i`) need complex cdata, which is not modelled.
   */
  private numeric(node: ast.NumericLiteral, e: ExpDesc): void {
    const raw = node.raw;
    e.t = e.f = NO_JMP;
    const suffix = /(u?ll)$/i.exec(raw);
    if (suffix) {
      const ctype = CTYPE_NAMES.get(suffix[1].toLowerCase() === 'ull' ? 'uint64_t' : 'int64_t')!;
      const digits = raw.slice(0, raw.length - suffix[1].length);
      let value: bigint;
      try {
        value = BigInt(digits);
      } catch {
        this.syntax('malformed number', node);
      }
      e.k = VKCDATA;
      e.cval = { kind: 'cdata', ctype, value: wrap(ctype, value) };
      return;
    }
    if (/i$/i.test(raw) && !/^0x/i.test(raw)) throw new NotSupportedError(this.where(node), 'complex numbers (imaginary literals)');
    e.k = VKNUM;
    e.nval = node.value;
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

  protected primary(node: Expr, e: ExpDesc): void {
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

  protected field(v: ExpDesc, name: string): void {
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

  protected exprList(list: readonly Expr[], v: ExpDesc): number {
    this.expr(list[0], v);
    for (let i = 1; i < list.length; i++) {
      this.tonextreg(v);
      v.copyFrom(new ExpDesc(VVOID));
      this.expr(list[i], v);
    }
    return list.length;
  }

  /**
   * The line of the token before source offset `at` (ls->lastline while the next token is
   * still unread): whitespace and `--` line comments are skipped.
   */
  private lineBefore(at: number, line: number): number {
    for (let i = at - 1; i >= 0; i--) {
      const ch = this.source[i];
      if (ch === '\n') {
        line--;
        // The line just left may end in a comment: continue from where it starts.
        const start = this.source.lastIndexOf('\n', i - 1) + 1;
        const dash = this.source.slice(start, i).indexOf('--');
        if (dash >= 0) i = start + dash;
      } else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return line;
    }
    return line;
  }

  private table(node: ast.TableConstructorExpression, e: ExpDesc): void {
    const fs = this.fs;
    // TNEW/TDUP is emitted before the '{' is read (expr_table): at the previous token's line.
    this.line = this.lineBefore((node as { range?: [number, number] }).range![0], node.loc!.start.line);
    let template: Array<[number | string | boolean, number | string | boolean | null]> | null = null;
    let tableSizes: { asize: number; hbits: number; narr: number } | null = null;
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
          // lj_tab_new(needarr ? narr : 0, hsize2hbits(nhash)) with the counts so far.
          tableSizes = { asize: needarr ? narr : 0, hbits: hsize2hbits(nhash), narr: 0 };
          const kidx = this.constGc({ kind: 'template', entries: template, sizes: tableSizes } as TemplateTable);
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
    // The template's array part is grown to the constructor's items at the end (lj_tab_reasize).
    if (tableSizes) tableSizes.narr = needarr ? narr : 0;
    if (!template) {
      let n = narr;
      if (!needarr) n = 0;
      else if (n < 3) n = 3;
      else if (n > 0x7ff) n = 0x7ff;
      fs.bc[pc] = withD(fs.bc[pc], n | (hsize2hbits(nhash) << 11));
    }
    // The constructor's '}' is the last token read: what follows is emitted at its line.
    this.line = node.loc!.end.line;
  }

  protected body(node: ast.FunctionDeclaration, e: ExpDesc, needself: boolean, line: number): void {
    const pfs = this.fs;
    const fs = new FuncState(pfs, line);
    this.fs = fs;
    this.newScope(0);
    let nparams = 0;
    if (needself) this.varNew(nparams++, 'self');
    for (const p of node.parameters) {
      if (p.type === 'VarargLiteral') fs.isVararg = true;
      else this.varNew(nparams++, p.name);
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

}

function stringValue(node: ast.StringLiteral): string {
  return decodeStringLiteral(node.raw);
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


