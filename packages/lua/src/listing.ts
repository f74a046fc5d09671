// Bytecode listings in the format of `luajit -bl` (jit/bc.lua): children first in constant
// order, a `-- BYTECODE -- file:first-last` header, one line per instruction with `=>`
// marking branch targets and constants shown after `;`.
import { MODES, MODE_A, MODE_B, MODE_CD, OP_NAMES, insA, insB, insD } from './bytecode';
import { formatNumber } from './numfmt';
import type { Proto } from './proto';
import { protoLocation } from './proto';

const M = (name: (typeof MODES)[number]): number => MODES.indexOf(name);

/** The whole listing of a chunk (all nested prototypes, then the main one). */
export function listBytecode(main: Proto): string {
  const out: string[] = [];
  dump(main, out);
  return out.join('');
}

function dump(p: Proto, out: string[]): void {
  for (const k of p.kgc) if (k.kind === 'proto') dump(k.proto, out);
  out.push(`-- BYTECODE -- ${protoLocation(p)}-${p.lastline}\n`);
  const targets = new Set<number>();
  for (let pc = 1; pc < p.bc.length; pc++) {
    if (MODE_CD[p.bc[pc] & 0xff] === 'jump') targets.add(pc + insD(p.bc[pc]) - 0x7fff);
  }
  for (let pc = 1; pc < p.bc.length; pc++) out.push(bcLine(p, pc, targets.has(pc) ? '=>' : '  '));
  out.push('\n');
}

const ctlsub = (s: string): string =>
  s.replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\n' ? '\\n' : c === '\r' ? '\\r' : c === '\t' ? '\\t' : `\\${String(c.charCodeAt(0)).padStart(3, '0')}`));

/** One instruction line, e.g. `0006 => MODVN    5   4   0  ; 9` (`ins`: the instruction, if not the one now at `pc`). */
export function bcLine(p: Proto, pc: number, prefix: string, ins = p.bc[pc]): string {
  const op = ins & 0xff;
  const ma = M(MODE_A[op]), mb = M(MODE_B[op]), mc = M(MODE_CD[op]);
  const a = insA(ins);
  const s = `${String(pc).padStart(4, '0')} ${prefix} ${OP_NAMES[op].padEnd(6)} ${(ma === 0 ? '' : String(a)).padStart(3)} `;
  let d = insD(ins);
  if (mc === M('jump')) return `${s}=> ${String(pc + d - 0x7fff).padStart(4, '0')}\n`;
  if (mb !== 0) d &= 0xff;
  else if (mc === 0) return `${s}\n`;
  let kc: string | undefined;
  if (mc === M('str')) {
    const k = p.kgc[d];
    const str = k.kind === 'str' ? k.value : '';
    kc = str.length > 40 ? `"${ctlsub(str).slice(0, 40)}"~` : `"${ctlsub(str)}"`;
  } else if (mc === M('num')) {
    const n = p.knum[d];
    kc = formatNumber(OP_NAMES[op] === 'TSETM' ? n - 2 ** 52 : n);
  } else if (mc === M('func')) {
    const k = p.kgc[d];
    kc = k.kind === 'proto' ? protoLocation(k.proto) : '?';
  } else if (mc === M('uv')) {
    kc = p.uvnames[d];
  }
  if (ma === M('uv')) {
    const ka = p.uvnames[a];
    kc = kc !== undefined ? `${ka} ; ${kc}` : ka;
  }
  if (mb !== 0) {
    const b = insB(ins);
    if (kc !== undefined) return `${s}${String(b).padStart(3)} ${String(d).padStart(3)}  ; ${kc}\n`;
    return `${s}${String(b).padStart(3)} ${String(d).padStart(3)}\n`;
  }
  if (kc !== undefined) return `${s}${String(d).padStart(3)}      ; ${kc}\n`;
  if (mc === M('lits') && d > 32767) d -= 65536;
  return `${s}${String(d).padStart(3)}\n`;
}
