// rec_cat (lj_record.c): a CAT of strings and numbers records as one string-buffer chain:
// numbers become strings first (TOSTR), then BUFHDR resets g->tmpbuf, one BUFPUT appends each
// operand in order, and BUFSTR makes the result. BUFPUT and BUFSTR are guards (IRTG) that
// never exit: they only keep a later snapshot from merging into an earlier one.

import { BUFHDR_MODES, TOSTR_MODES, type Ref, type TraceBuilder } from '@tracesim/ir';
import { DISPATCH, DISPATCH_OFFSETS } from '@tracesim/machine';

const TMPBUF = BigInt(DISPATCH + DISPATCH_OFFSETS.tmpbuf);
const RESET = BUFHDR_MODES.indexOf('RESET');

/** The concatenation of `operands` (string, int or num refs, left to right). */
export function recordConcat(b: TraceBuilder, operands: readonly Ref[]): Ref {
  // Converted from the top down, as rec_cat walks the slots.
  const strings = [...operands].reverse().map((ref) => {
    const type = b.typeOf(ref);
    if (type === 'str') return ref;
    return b.emit('TOSTR', 'str', ref, TOSTR_MODES.indexOf(type === 'int' ? 'INT' : 'NUM'))!;
  }).reverse();
  const header = b.append({ op: 'BUFHDR', type: 'p64', guard: false, phi: false, op1: b.kptr(TMPBUF), op2: RESET });
  let buffer = header;
  for (const s of strings) buffer = b.append({ op: 'BUFPUT', type: 'p64', guard: true, phi: false, op1: buffer, op2: s });
  return b.append({ op: 'BUFSTR', type: 'str', guard: true, phi: false, op1: buffer, op2: header });
}
