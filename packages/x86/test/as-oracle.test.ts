// Acceptance: tracesim's encoder against GNU as, byte for byte, over generated cases for
// every form of the table; equal-length differences must decode identically (objdump).
import { encode, INSTRUCTION_FORMS, nopInstruction, resolveInstruction } from '@tracesim/x86';
import { generateFormCases } from './form-cases';
import { assembleWithGnuAs, disassembleWithObjdump, hex, normaliseObjdump } from './gnu-tools';

/** Forms where GNU as picks a different encoding of the same length (see README). */
const KNOWN_EQUAL_LENGTH_CHOICES: readonly string[] = [];

test('every generated case encodes exactly as GNU as does', () => {
  const cases = generateFormCases();
  const gnu = assembleWithGnuAs(cases.map((c) => c.asText));
  const differing: { text: string; ours: Uint8Array; theirs: Uint8Array; form: string }[] = [];
  const formsSeen = new Set<number>();
  cases.forEach((c, i) => {
    const { address, bytes } = gnu[i];
    const ours = resolveInstruction(c.build(address), { address });
    formsSeen.add(ours.formId);
    if (hex(ours.bytes) !== hex(bytes)) differing.push({ text: c.asText, ours: ours.bytes, theirs: bytes, form: `${c.form.mnemonic} ${c.form.operands.join(', ')}` });
  });
  const unequalLength = differing.filter((d) => d.ours.length !== d.theirs.length);
  expect(unequalLength.slice(0, 20).map((d) => `${d.text}: ours ${hex(d.ours)} as ${hex(d.theirs)}`)).toEqual([]);

  // Same length, different bytes: both must decode to the same text under objdump.
  const joined = (pick: 'ours' | 'theirs') => Uint8Array.from(differing.flatMap((d) => [...d[pick]]));
  const oursText = disassembleWithObjdump(joined('ours'));
  const theirsText = disassembleWithObjdump(joined('theirs'));
  let at = 0;
  const mismatched: string[] = [];
  for (const d of differing) {
    if (normaliseObjdump(oursText.get(at) ?? '?') !== normaliseObjdump(theirsText.get(at) ?? '!')) {
      mismatched.push(`${d.text}: ours ${hex(d.ours)} as ${hex(d.theirs)}`);
    }
    at += d.ours.length;
  }
  expect(mismatched.slice(0, 20)).toEqual([]);
  const choiceForms = [...new Set(differing.map((d) => d.form))].sort();
  for (const form of choiceForms) console.log(`equal-length choice differs from GNU as (objdump decodes both the same): ${form}`);
  expect(choiceForms).toEqual([...KNOWN_EQUAL_LENGTH_CHOICES].sort());

  // Every form except the prefixed nops and the parser aliases was the chosen encoding somewhere.
  const aliases = INSTRUCTION_FORMS.filter((f) => f.prefixText !== undefined || INSTRUCTION_FORMS.some((g) =>
    g.id < f.id && g.opcode === f.opcode && g.map === f.map && g.modrm === f.modrm && g.rexW === f.rexW && g.prefixes.join() === f.prefixes.join()));
  const unused = INSTRUCTION_FORMS.filter((f) => !formsSeen.has(f.id) && !aliases.includes(f)).map((f) => `${f.mnemonic} ${f.operands.join(', ')}`);
  expect(unused).toEqual([]);
  console.log(`GNU as oracle: ${cases.length} cases compared over ${formsSeen.size} forms, ${differing.length} equal-length alternative encodings`);
});

test('nops of every length 1..11 are the bytes of GNU as `.nops N, N`', () => {
  const lengths = Array.from({ length: 11 }, (_, i) => i + 1);
  const gnu = assembleWithGnuAs(lengths.map((n) => `.nops ${n}, ${n}`));
  for (const n of lengths) {
    expect(hex(encode(nopInstruction(n), { keepForm: true }))).toBe(hex(gnu[n - 1].bytes));
  }
});
