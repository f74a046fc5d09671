// Acceptance: tracesim's decoder and printer against `objdump -d -M intel` on the same
// bytes (every generated form case and every nop), after the README's normalisation.
import { decode, decodeAll, encode, formatInstruction, nopInstruction, parseInstruction, resolveInstruction } from '@tracesim/x86';
import { generateFormCases } from './form-cases';
import { disassembleWithObjdump, normaliseObjdump } from './gnu-tools';

test('decoding our encodings prints what objdump prints', () => {
  const chunks: Uint8Array[] = [];
  let address = 0;
  for (const c of generateFormCases()) {
    const bytes = resolveInstruction(c.build(address), { address }).bytes;
    chunks.push(bytes);
    address += bytes.length;
  }
  for (let n = 1; n <= 11; n++) {
    const bytes = encode(nopInstruction(n), { keepForm: true, address });
    chunks.push(bytes);
    address += bytes.length;
  }
  const blob = new Uint8Array(address);
  chunks.reduce((at, c) => (blob.set(c, at), at + c.length), 0);

  const objdump = disassembleWithObjdump(blob);
  const ours = decodeAll(blob, 0);
  const differences: string[] = [];
  for (const instr of ours) {
    const theirs = normaliseObjdump(objdump.get(instr.address) ?? '(no instruction starts here)');
    const text = formatInstruction(instr);
    if (text !== theirs) differences.push(`0x${instr.address.toString(16)}: ours '${text}' objdump '${theirs}'`);
  }
  expect(differences.slice(0, 30)).toEqual([]);

  // The parser accepts objdump's text: it re-encodes to bytes that objdump prints the same.
  const unparsed: string[] = [];
  for (const [address, raw] of objdump) {
    const theirs = normaliseObjdump(raw);
    try {
      const parsed = parseInstruction(theirs, { address });
      const text = formatInstruction(decode(parsed.bytes, 0, address));
      if (text !== theirs) unparsed.push(`0x${address.toString(16)} '${theirs}' → '${text}'`);
    } catch (err) {
      unparsed.push(`0x${address.toString(16)} '${theirs}': ${(err as Error).message}`);
    }
  }
  expect(unparsed.slice(0, 30)).toEqual([]);
  expect(ours.map((i) => i.address)).toEqual([...objdump.keys()]);
  console.log(`decoder vs objdump: ${ours.length} instructions (${blob.length} bytes) printed identically`);
});
