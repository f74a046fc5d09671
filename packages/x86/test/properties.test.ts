// Properties (fast-check, fixed seed): encode → decode → encode is the identity on random
// valid instructions of every form, and random bytes either decode to an instruction whose
// re-encoding decodes the same or throw DecodeError — nothing else.
import fc from 'fast-check';
import {
  decode, DecodeError, encode, formatInstruction, INSTRUCTION_FORMS, isConditionFamily,
  type Form, type InstructionInput, type MemOperand, type Operand, type OperandKind,
} from '@tracesim/x86';

const SEED = 20261125;
const ADDRESS = 0x7f0000001000;
const FORMS = INSTRUCTION_FORMS.filter((f) => f.prefixText === undefined);

const ACCUMULATOR_WIDTHS = { al: 8, ax: 16, eax: 32, rax: 64 } as const;
const gprWidth = (kind: OperandKind) => Number(kind.replace(/^\D+/, '')) as 8 | 16 | 32 | 64;

const memoryArb = (width: MemOperand['width']): fc.Arbitrary<MemOperand> =>
  fc.record({
    base: fc.oneof(fc.constant(undefined), fc.constant('rip' as const), fc.integer({ min: 0, max: 15 })),
    index: fc.oneof(fc.constant(undefined), fc.integer({ min: 0, max: 15 }).filter((i) => i !== 4)),
    scale: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    disp: fc.oneof(fc.constant(0), fc.integer({ min: -128, max: 127 }), fc.integer({ min: -0x80000000, max: 0x7fffffff })),
  }).map(({ base, index, scale, disp }) => ({
    kind: 'mem' as const, width, scale, disp,
    ...(base === undefined ? {} : { base }),
    ...(index === undefined || base === 'rip' ? {} : { index }),
  }));

const gprArb = (width: 8 | 16 | 32 | 64): fc.Arbitrary<Operand> =>
  width === 8
    ? fc.oneof(fc.integer({ min: 0, max: 15 }).map((num) => ({ kind: 'gpr' as const, num, width })),
      fc.integer({ min: 4, max: 7 }).map((num) => ({ kind: 'gpr' as const, num, width, high8: true })))
    : fc.integer({ min: 0, max: 15 }).map((num) => ({ kind: 'gpr' as const, num, width }));

const xmmArb: fc.Arbitrary<Operand> = fc.integer({ min: 0, max: 15 }).map((num) => ({ kind: 'xmm' as const, num }));

function signedRange(bits: number): fc.Arbitrary<bigint> {
  return fc.bigInt({ min: -(1n << BigInt(bits - 1)), max: (1n << BigInt(bits - 1)) - 1n });
}

function operandArb(kind: OperandKind, form: Form): fc.Arbitrary<Operand> {
  if (/^[ro]\d+$/.test(kind)) return gprArb(gprWidth(kind)).filter((r) => !(form.notAccumulator && r.kind === 'gpr' && r.num === 0));
  if (/^rm\d+$/.test(kind)) return fc.oneof(gprArb(gprWidth(kind)), memoryArb(gprWidth(kind)));
  if (kind === 'm') return memoryArb(0);
  if (kind === 'x') return xmmArb;
  if (kind.startsWith('xm')) return fc.oneof(xmmArb, memoryArb(Number(kind.slice(2)) as 32 | 64 | 128));
  if (kind === 'one') return fc.constant({ kind: 'imm' as const, value: 1n, width: 8 as const });
  if (kind === 'rel8') return fc.integer({ min: -100, max: 100 }).map((d) => ({ kind: 'rel' as const, target: ADDRESS + d, width: 8 as const }));
  if (kind === 'rel32') return fc.integer({ min: -0x7fff0000, max: 0x7fff0000 }).map((d) => ({ kind: 'rel' as const, target: ADDRESS + d, width: 32 as const }));
  if (kind === 'u8') return fc.bigInt({ min: 0n, max: 255n }).map((value) => ({ kind: 'imm' as const, value, width: 8 as const }));
  if (kind in ACCUMULATOR_WIDTHS) return fc.constant({ kind: 'gpr' as const, num: 0, width: ACCUMULATOR_WIDTHS[kind as 'al'] });
  if (kind === 'cl') return fc.constant({ kind: 'gpr' as const, num: 1, width: 8 as const });
  const bits = ({ imm8: 8, imm16: 16, imm32: 32, imm64: 64 } as const)[kind as 'imm8'];
  return signedRange(bits).map((value) => ({ kind: 'imm' as const, value, width: bits }));
}

/** ah..bh cannot be combined with anything that needs a REX prefix. */
function usesHigh8WithRex(form: Form, ops: readonly Operand[]): boolean {
  if (!ops.some((o) => o.kind === 'gpr' && o.high8)) return false;
  return form.rexW || ops.some((o) =>
    (o.kind === 'gpr' && !o.high8 && (o.num >= 8 || (o.width === 8 && o.num >= 4))) ||
    (o.kind === 'mem' && ((typeof o.base === 'number' && o.base >= 8) || (o.index ?? 0) >= 8)));
}

const instructionArb: fc.Arbitrary<InstructionInput & { formId: number }> = fc
  .integer({ min: 0, max: FORMS.length - 1 })
  .chain((i) => {
    const form = FORMS[i];
    return fc.tuple(fc.constant(form), fc.integer({ min: 0, max: 15 }), fc.tuple(...form.operands.map((k) => operandArb(k, form))));
  })
  .filter(([form, , ops]) => !usesHigh8WithRex(form, ops))
  .map(([form, cond, ops]) => ({ mnemonic: form.mnemonic, formId: form.id, operands: ops, ...(isConditionFamily(form) ? { cond } : {}) }));

const hex = (b: Uint8Array) => Array.from(b, (v) => v.toString(16).padStart(2, '0')).join(' ');

test('encode → decode → encode returns the same bytes (chosen form and shortest form)', () => {
  fc.assert(fc.property(instructionArb, (instr) => {
    const exact = encode(instr, { address: ADDRESS, keepForm: true });
    const decoded = decode(exact, 0, ADDRESS);
    expect(decoded.length).toBe(exact.length);
    expect(hex(encode(decoded, { address: ADDRESS, keepForm: true }))).toBe(hex(exact));
    const shortest = encode(instr, { address: ADDRESS });
    expect(hex(encode(decode(shortest, 0, ADDRESS), { address: ADDRESS }))).toBe(hex(shortest));
  }), { seed: SEED, numRuns: 20000 });
});

/** Bytes biased towards table opcodes so that many of them decode. */
const bytesArb = fc.tuple(
  fc.subarray([0x66, 0xf2, 0xf3, 0x2e, 0xf0, 0x67, 0x64], { maxLength: 2 }),
  fc.option(fc.integer({ min: 0x40, max: 0x4f })),
  fc.oneof(
    fc.constantFrom(...FORMS.filter((f) => !f.vex).map((f) => (f.map === 0 ? [f.opcode] : f.map === 1 ? [0x0f, f.opcode] : [0x0f, f.map === 2 ? 0x38 : 0x3a, f.opcode]))),
    fc.constant([0xc4, 0xe3, 0xfb, 0xf0]),
    fc.uint8Array({ minLength: 1, maxLength: 3 }).map((a) => [...a]),
  ),
  fc.uint8Array({ minLength: 0, maxLength: 12 }),
).map(([prefixes, rex, opcode, tail]) => Uint8Array.from([...prefixes, ...(rex === null ? [] : [rex]), ...opcode, ...tail]));

/** xchg is symmetric: its shortest re-encoding (90+r) may print the operands swapped. */
function comparableText(instr: Parameters<typeof formatInstruction>[0]): string {
  const text = formatInstruction(instr);
  if (instr.mnemonic !== 'xchg') return text;
  const [mnemonic, operands] = text.split(' ');
  return `${mnemonic} ${operands.split(',').sort().join(',')}`;
}

test('random bytes decode to an instruction whose re-encoding decodes the same, or throw DecodeError', () => {
  let decoded = 0;
  fc.assert(fc.property(bytesArb, (bytes) => {
    let first;
    try {
      first = decode(bytes, 0, ADDRESS);
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).location).toMatch(/^offset 0x0 \(bytes [0-9a-f ]+\)$/);
      return;
    }
    decoded++;
    const again = decode(encode(first, { address: ADDRESS }), 0, ADDRESS);
    expect(comparableText(again)).toBe(comparableText(first));
    expect(again.mnemonic).toBe(first.mnemonic);
  }), { seed: SEED, numRuns: 30000 });
  console.log(`random bytes: ${decoded} of 30000 decoded`);
  expect(decoded).toBeGreaterThan(1000);
});
