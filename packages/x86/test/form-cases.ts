// Generated oracle cases: for every form of the table, instructions across every register
// (r8..r15; rsp, rbp, r12, r13 as base or index), displacements 0/8/32 bits of both signs,
// RIP-relative and absolute disp32, immediate sign edges and branch distances, each with
// the GNU-as text that spells it.
import {
  GPR16_NAMES, GPR32_NAMES, GPR64_NAMES, GPR8_NAMES, HIGH8_NAMES, INSTRUCTION_FORMS, XMM_NAMES,
  formMnemonic, isConditionFamily, registerByName, type Form, type InstructionInput, type MemOperand,
  type Operand, type OperandKind,
} from '@tracesim/x86';

/** A sample operand: relative branches are offsets from the instruction's own address. */
type Sample = Operand | { kind: 'relOffset'; offset: number };

export interface FormCase {
  readonly form: Form;
  /** The text GNU as assembles (branch targets as `.+N`). */
  readonly asText: string;
  /** The instruction for tracesim's encoder, once the case's address is known. */
  build(address: number): InstructionInput;
}

const NAMES_BY_WIDTH = { 8: GPR8_NAMES, 16: GPR16_NAMES, 32: GPR32_NAMES, 64: GPR64_NAMES } as const;

function registers(width: 8 | 16 | 32 | 64): Operand[] {
  const names: readonly string[] = width === 8 ? [...GPR8_NAMES, ...HIGH8_NAMES] : NAMES_BY_WIDTH[width];
  return names.map((n) => registerByName(n)!);
}

const BASE_DISPLACEMENTS = [0, 8, -8, 0x7f, -0x80, 0x80, -0x81, 0x12345678, -0x80000000];
const EDGE_BASES = [0, 4, 5, 8, 12, 13, 15];

function memorySamples(): Omit<MemOperand, 'width'>[] {
  const out: Omit<MemOperand, 'width'>[] = [];
  for (let base = 0; base < 16; base++) out.push({ kind: 'mem', base, scale: 1, disp: 0 });
  for (const base of EDGE_BASES) for (const disp of BASE_DISPLACEMENTS) out.push({ kind: 'mem', base, scale: 1, disp });
  for (let index = 0; index < 16; index++) {
    if (index === 4) continue;
    const scale = ([1, 2, 4, 8] as const)[index % 4];
    out.push({ kind: 'mem', base: EDGE_BASES[index % EDGE_BASES.length], index, scale, disp: index % 3 === 0 ? 0 : -0x40 * index });
    out.push({ kind: 'mem', index, scale, disp: 0x100 * index });
  }
  for (const disp of [0x10, -0x10, 0, 0x12345678]) out.push({ kind: 'mem', base: 'rip', scale: 1, disp });
  for (const disp of [0x1000, -0x10, 0x7ffffff0, -0x80000000]) out.push({ kind: 'mem', scale: 1, disp });
  return out;
}
const MEMORY = memorySamples();

function immediateSamples(kind: OperandKind, form: Form): bigint[] {
  switch (kind) {
    case 'imm8': return [-128n, -1n, 0n, 1n, 127n];
    case 'imm16': return [-32768n, -129n, 128n, 0x1234n, 32767n];
    case 'imm32': return [-0x80000000n, -129n, 128n, 0x7fffffffn, 0x12345678n,
      ...(form.operationWidth === 32 ? [0xfff90000n, 0xffffffffn] : [])];
    case 'imm64': return [0x123456789n, -0x123456789n, (1n << 63n) - 1n, -(1n << 63n), 0x80000000n];
    case 'u8': return [0n, 1n, 0x2fn, 0x7fn, 0x80n, 0xffn];
    default: return [];
  }
}

function samples(kind: OperandKind, form: Form): Sample[] {
  const width = Number(kind.replace(/^\D+/, '')) as 8 | 16 | 32 | 64;
  if (/^[ro]\d+$/.test(kind)) {
    const regs = registers(width);
    return form.notAccumulator ? regs.filter((r) => r.kind === 'gpr' && r.num !== 0) : regs;
  }
  if (/^rm\d+$/.test(kind)) return [...registers(width), ...MEMORY.map((m) => ({ ...m, width }))];
  if (kind === 'm') return MEMORY.map((m) => ({ ...m, width: 0 }));
  if (kind === 'x') return XMM_NAMES.map((n) => registerByName(n)!);
  if (kind.startsWith('xm')) {
    const memWidth = Number(kind.slice(2)) as 32 | 64 | 128;
    return [...XMM_NAMES.map((n) => registerByName(n)!), ...MEMORY.map((m) => ({ ...m, width: memWidth }))];
  }
  if (kind === 'one') return [{ kind: 'imm', value: 1n, width: 8 }];
  if (kind === 'rel8') return [-126, 0, 2, 129].map((offset) => ({ kind: 'relOffset', offset }));
  if (kind === 'rel32') return [0x1000, -0x1000, 0x7fff0000, -0x7fff0000, 5].map((offset) => ({ kind: 'relOffset', offset }));
  const fixed = registerByName(kind);
  if (fixed) return [fixed];
  return immediateSamples(kind, form).map((value) => ({ kind: 'imm', value, width: 64 }));
}

const SIZE_WORDS: Record<number, string> = { 8: 'byte ptr ', 16: 'word ptr ', 32: 'dword ptr ', 64: 'qword ptr ', 128: 'xmmword ptr ' };

function signedHex(n: number): string {
  return n < 0 ? `-0x${(-n).toString(16)}` : `0x${n.toString(16)}`;
}

function memoryAsText(m: MemOperand): string {
  const parts: string[] = [];
  if (m.base === 'rip') parts.push('rip');
  else if (m.base !== undefined) parts.push(GPR64_NAMES[m.base]);
  if (m.index !== undefined) parts.push(`${GPR64_NAMES[m.index]}*${m.scale}`);
  const disp = signedHex(m.disp);
  const inner = parts.length === 0 ? disp : parts.join('+') + (m.disp === 0 ? '' : m.disp < 0 ? disp : '+' + disp);
  return `${SIZE_WORDS[m.width] ?? ''}[${inner}]`;
}

function sampleAsText(s: Sample): string {
  switch (s.kind) {
    case 'gpr': case 'xmm': return formatRegister(s);
    case 'mem': return memoryAsText(s);
    case 'imm': return s.value.toString();
    case 'relOffset': return s.offset < 0 ? `.-${-s.offset}` : `.+${s.offset}`;
    case 'rel': throw new Error('rel samples are offsets');
  }
}

function formatRegister(r: Operand): string {
  if (r.kind === 'xmm') return XMM_NAMES[r.num];
  if (r.kind !== 'gpr') throw new Error('not a register');
  return r.high8 ? HIGH8_NAMES[r.num - 4] : NAMES_BY_WIDTH[r.width][r.num];
}

/** ah..bh cannot appear with anything that needs a REX prefix; such cases are not instructions. */
function isEncodable(form: Form, ops: readonly Sample[]): boolean {
  if (!ops.some((o) => o.kind === 'gpr' && o.high8)) return true;
  if (form.rexW) return false;
  return !ops.some((o) =>
    (o.kind === 'gpr' && (o.num >= 8 || (o.width === 8 && !o.high8 && o.num >= 4))) ||
    (o.kind === 'mem' && ((typeof o.base === 'number' && o.base >= 8) || (o.index ?? 0) >= 8)));
}

/** Every sample of every operand position at least once (other positions rotate), per condition. */
export function generateFormCases(): FormCase[] {
  const cases: FormCase[] = [];
  for (const form of INSTRUCTION_FORMS) {
    if (form.prefixText) continue; // the prefixed nops are covered by the nop test
    const perPosition = form.operands.map((k) => samples(k, form));
    const conditions = isConditionFamily(form) ? 16 : 1;
    let rotation = 0;
    const combos: Sample[][] = [];
    for (let cond = 0; cond < conditions; cond++) {
      if (perPosition.length === 0) combos.push([]);
      perPosition.forEach((list, position) => {
        for (const sample of list) {
          rotation++;
          combos.push(perPosition.map((other, q) => (q === position ? sample : other[(rotation * 7 + q * 3) % other.length])));
        }
      });
      for (const ops of combos.splice(0)) {
        if (!isEncodable(form, ops)) continue;
        const mnemonic = formMnemonic(form, cond);
        const asText = `${mnemonic} ${ops.map(sampleAsText).join(', ')}`.trim();
        cases.push({
          form,
          asText,
          build: (address) => ({
            mnemonic,
            operands: ops.map((o): Operand => (o.kind === 'relOffset' ? { kind: 'rel', target: address + o.offset, width: 32 } : o)),
          }),
        });
      }
    }
  }
  return cases;
}
