// The hash LuaJIT 2.1.0-beta3 gives an interned string (lj_str_new: a few 32-bit words of the
// string mixed with rotations, as in Bob Jenkins' lookup3), kept in the string's GCstr header.
// Strings are byte strings here (each character code 0-255); words are read little-endian.

const rol = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/** The little-endian 32-bit word at byte offset `at` of `s`. */
function word(s: string, at: number): number {
  return (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16) | (s.charCodeAt(at + 3) << 24)) >>> 0;
}

export function stringHash(s: string): number {
  const len = s.length;
  if (len === 0) return 0;
  let h = len >>> 0;
  let a: number;
  let b: number;
  if (len >= 4) {
    a = word(s, 0);
    h = (h ^ word(s, len - 4)) >>> 0;
    b = word(s, (len >>> 1) - 2);
    h = (h ^ b) >>> 0;
    h = (h - rol(b, 14)) >>> 0;
    b = (b + word(s, (len >>> 2) - 1)) >>> 0;
  } else {
    a = s.charCodeAt(0);
    h = (h ^ s.charCodeAt(len - 1)) >>> 0;
    b = s.charCodeAt(len >>> 1);
    h = (h ^ b) >>> 0;
    h = (h - rol(b, 14)) >>> 0;
  }
  a = ((a ^ h) - rol(h, 11)) >>> 0;
  b = ((b ^ a) - rol(a, 25)) >>> 0;
  h = ((h ^ b) - rol(b, 16)) >>> 0;
  return h;
}
