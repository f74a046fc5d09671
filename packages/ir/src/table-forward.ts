// Load forwarding over the table accesses, as lj_opt_mem.c forwards HLOAD/ALOAD (lj_opt_fwd_hload,
// fwd_ahload) and FLOAD (lj_opt_fwd_fload): a load of a table and key (an ALOAD of the array
// part, whose AREF names the table's FLOAD tab.array and the index; an HLOAD of the hash part,
// whose HREFK names FLOAD tab.node and the constant key, or whose HREF or NEWREF names the table
// and key; or pairs()'s tab_get) takes the value of the last store (ASTORE, HSTORE) or load of
// that same table and key when no store in between may alias it, and no state-changing builtin
// ran. A key aliases another when
// both may be equal (the same constant, or either one not constant and of a type the other may
// have); two tables alias unless they are distinct allocations (aa_table: two TNEW/TDUP results,
// or one of them and a table that existed before). An FLOAD of a header field (tab.asize, hmask,
// array, node, meta) is forwarded from an earlier FLOAD of the same field until a store of a new
// key (NEWREF) or a builtin may have resized the table or set its metatable, and an HREF from an
// earlier HREF of the same table and key until any NEWREF (lj_opt_fold's cse_href). The walk goes back
// across LOOP, so the LOOP pass forwards loop-carried values as lj_opt_loop's re-emission does.
// It works on the instruction list being built.
import { HELPERS } from './calls';
import { insIndex, insRef, isConstRef, REF_NIL, type Ref } from './refs';
import type { IRConst, IRIns } from './trace';
import type { IRTypeName } from './types';

/** Allocations: a table made by one of these is distinct from every other table. */
const ALLOCATIONS: ReadonlySet<string> = new Set(['TNEW', 'TDUP']);

const helperName = (x: IRIns): string | undefined => (x.op === 'CALLL' || x.op === 'CALLS' || x.op === 'CALLN' ? HELPERS[x.op2]?.name : undefined);

/** The arguments of the call at index `at` (the CARG chain under its op1). */
function argumentsOf(ins: readonly IRIns[], at: number): Ref[] {
  let ref = ins[at].op1;
  if (ref === REF_NIL) return [];
  const args: Ref[] = [];
  while (!isConstRef(ref) && ins[insIndex(ref)]?.op === 'CARG' && insIndex(ref) < at) {
    args.unshift(ins[insIndex(ref)].op2);
    ref = ins[insIndex(ref)].op1;
  }
  args.unshift(ref);
  return args;
}

function typeOf(ins: readonly IRIns[], ref: Ref, consts: (ref: Ref) => IRTypeName): IRTypeName {
  return isConstRef(ref) ? consts(ref) : ins[insIndex(ref)].type;
}

export class TableForwarding {
  constructor(
    private readonly ins: readonly IRIns[],
    private readonly constAt: (ref: Ref) => IRConst,
  ) {}

  /** The table and key a slot reference names: an AREF's table (its FLOAD tab.array's) and index, an HREFK's table and constant key, an HREF's or NEWREF's table and key. */
  slotKey(xref: Ref): [Ref, Ref] | undefined {
    const x = isConstRef(xref) ? undefined : this.ins[insIndex(xref)];
    if (x?.op === 'HREF' || x?.op === 'NEWREF') return [x.op1, x.op2];
    if (x?.op !== 'AREF' && x?.op !== 'HREFK') return undefined;
    const part = isConstRef(x.op1) ? undefined : this.ins[insIndex(x.op1)];
    if (part?.op !== 'FLOAD') return undefined;
    if (x.op === 'AREF') return [part.op1, x.op2];
    const k = this.constAt(x.op2);
    return k.op === 'KSLOT' ? [part.op1, k.key] : undefined;
  }

  /** The value a load of table[key] (tab_get, or ALOAD with `key` the index) of `type` would load, if an earlier access knows it. */
  value(table: Ref, key: Ref, type: IRTypeName): Ref | undefined {
    for (let i = this.ins.length - 1; i >= 0; i--) {
      const x = this.ins[i];
      const name = helperName(x);
      if (name === 'ff_call_side') return undefined;
      const slot = x.op === 'ASTORE' || x.op === 'ALOAD' || x.op === 'HSTORE' || x.op === 'HLOAD' ? this.slotKey(x.op1) : undefined;
      if (slot && (x.op === 'ASTORE' || x.op === 'HSTORE')) {
        const [t, k] = slot;
        if (!this.keysMayAlias(k, key) || !this.tablesMayAlias(t, table)) continue;
        return t === table && k === key && this.typeOf(x.op2) === type ? x.op2 : undefined;
      }
      if (slot && slot[0] === table && slot[1] === key) return x.type === type ? insRef(i) : undefined;
      if (x.op === 'CALLL' && name === 'tab_get') {
        const [t, k] = argumentsOf(this.ins, i);
        if (t === table && k === key) return this.loadedFrom(i, type);
      }
    }
    return undefined;
  }

  /** An earlier FLOAD of the same table field, while no new key or builtin may have resized the table. */
  field(table: Ref, field: number): Ref | undefined {
    for (let i = this.ins.length - 1; i >= 0; i--) {
      const x = this.ins[i];
      const name = helperName(x);
      if (name === 'ff_call_side') return undefined;
      if (x.op === 'NEWREF' && this.tablesMayAlias(x.op1, table)) return undefined;
      if (x.op === 'FLOAD' && x.op1 === table && x.op2 === field) return insRef(i);
    }
    return undefined;
  }

  /** An earlier HREF of `table` and `key`, while no NEWREF or state-changing builtin may have moved nodes since. */
  href(table: Ref, key: Ref): Ref | undefined {
    for (let i = this.ins.length - 1; i >= 0; i--) {
      const x = this.ins[i];
      if (x.op === 'NEWREF' || helperName(x) === 'ff_call_side') return undefined;
      if (x.op === 'HREF' && x.op1 === table && x.op2 === key) return insRef(i);
    }
    return undefined;
  }

  /** Whether a new key (NEWREF) or a builtin may have resized `table` after instruction `after`. */
  resizedSince(table: Ref, after: Ref): boolean {
    for (let i = insIndex(after) + 1; i < this.ins.length; i++) {
      const x = this.ins[i];
      const name = helperName(x);
      if (name === 'ff_call_side') return true;
      if (x.op === 'NEWREF' && this.tablesMayAlias(x.op1, table)) return true;
    }
    return false;
  }

  /** The XLOAD that read the result of the call at `at`, when it loaded `type`. */
  private loadedFrom(at: number, type: IRTypeName): Ref | undefined {
    const call = insRef(at);
    for (let i = at + 1; i < this.ins.length; i++) {
      const x = this.ins[i];
      if (x.op === 'XLOAD' && x.op1 === call) return x.type === type ? insRef(i) : undefined;
    }
    return undefined;
  }

  private typeOf(ref: Ref): IRTypeName {
    return typeOf(this.ins, ref, (r) => this.constAt(r).type);
  }

  private keysMayAlias(a: Ref, b: Ref): boolean {
    if (a === b) return true;
    if (isConstRef(a) && isConstRef(b)) return false;
    const [ta, tb] = [this.typeOf(a), this.typeOf(b)];
    const numeric = (t: IRTypeName) => t === 'num' || t === 'int';
    return ta === tb || (numeric(ta) && numeric(tb));
  }

  private tablesMayAlias(a: Ref, b: Ref): boolean {
    if (a === b) return true;
    const made = (r: Ref) => !isConstRef(r) && ALLOCATIONS.has(this.ins[insIndex(r)].op);
    return !((made(a) && (made(b) || isConstRef(b))) || (made(b) && isConstRef(a)));
  }
}
