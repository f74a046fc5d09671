// Memory against a reference model (one flat Node Buffer with its own little-endian
// readers/writers), plus faults, permissions and write watchers.
import fc from 'fast-check';
import { Memory, PageFault, MemoryLayoutError } from '../src';

const BASE = 0x7fff_0000_0000; // a high address: exercises numbers above 2^32
const PAGES = 3;

function fresh(): Memory {
  const m = new Memory();
  m.map(BASE, PAGES * 4096, 'rw', 'data');
  return m;
}

type Op = { size: 1 | 2 | 4 | 8 | 'f64'; offset: number; value: number; write: boolean };

const opArb: fc.Arbitrary<Op> = fc.record({
  size: fc.constantFrom<Op['size']>(1, 2, 4, 8, 'f64'),
  // bias towards page boundaries to cross them
  offset: fc.oneof(fc.integer({ min: 0, max: PAGES * 4096 - 8 }), fc.integer({ min: 4090, max: 4100 }), fc.integer({ min: 8186, max: 8196 })),
  value: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.double({ noNaN: true })),
  write: fc.boolean(),
});

describe('Memory against a flat buffer', () => {
  test('random reads and writes agree byte for byte', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const m = fresh();
        const ref = Buffer.alloc(PAGES * 4096);
        for (const op of ops) {
          const a = BASE + op.offset;
          const u32 = Math.trunc(Math.abs(op.value)) % 2 ** 32;
          if (op.write) {
            switch (op.size) {
              case 1: m.write8(a, u32 & 0xff); ref.writeUInt8(u32 & 0xff, op.offset); break;
              case 2: m.write16(a, u32 & 0xffff); ref.writeUInt16LE(u32 & 0xffff, op.offset); break;
              case 4: m.write32(a, u32); ref.writeUInt32LE(u32, op.offset); break;
              case 8: m.write64(a, BigInt(u32) * 0x10001n); ref.writeBigUInt64LE(BigInt(u32) * 0x10001n, op.offset); break;
              case 'f64': m.writeF64(a, op.value); ref.writeDoubleLE(op.value, op.offset); break;
            }
          } else {
            switch (op.size) {
              case 1: expect(m.read8(a)).toBe(ref.readUInt8(op.offset)); break;
              case 2: expect(m.read16(a)).toBe(ref.readUInt16LE(op.offset)); break;
              case 4: expect(m.read32(a)).toBe(ref.readUInt32LE(op.offset)); expect(m.readI32(a)).toBe(ref.readInt32LE(op.offset)); break;
              case 8: expect(m.read64(a)).toBe(ref.readBigUInt64LE(op.offset)); break;
              case 'f64': expect(Object.is(m.readF64(a), ref.readDoubleLE(op.offset))).toBe(true); break;
            }
          }
        }
        expect(Buffer.from(m.readBytes(BASE, PAGES * 4096)).equals(ref)).toBe(true);
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});

describe('Memory faults', () => {
  test('reads, writes and fetches of unmapped memory raise #PF with address and kind', () => {
    const m = fresh();
    const end = BASE + PAGES * 4096;
    const read = () => m.read32(end);
    expect(read).toThrow(PageFault);
    try {
      m.read32(end - 2); // crosses into the unmapped page
    } catch (e) {
      expect(e).toBeInstanceOf(PageFault);
      expect((e as PageFault).address).toBe(end);
      expect((e as PageFault).access).toBe('read');
      expect((e as PageFault).location).toBe('address 0x7fff00003000');
    }
    expect.assertions(5);
  });

  test('a write crossing into an unmapped page changes nothing', () => {
    const m = fresh();
    const end = BASE + PAGES * 4096;
    m.write32(end - 4, 0x11223344);
    expect(() => m.write64Halves(end - 4, -1, -1)).toThrow(PageFault);
    expect(m.read32(end - 4)).toBe(0x11223344);
  });

  test('permissions: writes to r pages and fetches from non-x pages fault', () => {
    const m = new Memory();
    m.map(0x1000, 0x1000, 'r', 'ro');
    m.map(0x2000, 0x1000, 'rx', 'code');
    expect(() => m.write8(0x1000, 1)).toThrow(/not writable/);
    expect(() => m.fetch(0x1000, 4)).toThrow(/not executable/);
    expect(m.fetch(0x2ffe, 15).length).toBe(2); // stops at the end of executable memory
    expect(() => m.map(0x2000, 0x1000, 'rw', 'again')).toThrow(MemoryLayoutError);
  });

  test('write watchers see every write overlapping their range, including cached pages', () => {
    const m = fresh();
    const seen: number[] = [];
    m.write32(BASE, 1); // primes the write cache for that page
    m.watchWrites(BASE + 8, BASE + 4096 + 4, (a) => seen.push(a - BASE));
    m.write32(BASE + 4, 9); // just below the range: not seen
    m.write32(BASE + 6, 2); // overlaps its first bytes
    m.writeF64(BASE + 16, 1.5);
    m.write32(BASE + 4096, 3); // second page, inside the range
    m.write8(BASE + 4100, 3); // second page, past the range: not seen
    m.write32(BASE + 4094, 4); // crosses the page boundary
    m.writeBytes(BASE, new Uint8Array(9)); // host writes are seen too
    expect(seen).toEqual([6, 16, 4096, 4094, 0]);
  });
});
