// How LuaJIT sizes a table's two parts (lj_tab.c): the hash-bits of a node count
// (hsize2hbits), and, when a key finds the hash part full, rehashtab's census of integer keys
// (countint, countarray, counthash) and bestasize's choice of the largest power-of-two array
// part that stays more than half full. Pure functions over counts; table.ts applies them.

/** LJ_MAX_ASIZE: integer keys at or above it always go to the hash part. */
export const MAX_ASIZE = 2 ** 27 + 1;
/** LJ_MAX_HBITS: the most hash bits a table may have. */
export const MAX_HBITS = 26;
/** LJ_MAX_ABITS: the number of census bins. */
const MAX_ABITS = 28;

/** lj_fls: the index of the highest set bit of a non-zero uint32. */
export function fls(x: number): number {
  return 31 - Math.clz32(x);
}

/** hsize2hbits (lj_tab.h): the hash-bits that hold `s` nodes (0: no hash part). */
export function hsize2hbits(s: number): number {
  return s === 0 ? 0 : s === 1 ? 1 : 1 + fls(s - 1);
}

/** The array slot a number key would take, or -1 when it is no candidate (countint's test). */
export function arrayCandidate(key: number): number {
  return Number.isInteger(key) && key >= 0 && key < MAX_ASIZE ? key : -1;
}

/** The census rehashtab takes: integer-key counts in power-of-two bins, as countint bins them. */
export class KeyCensus {
  readonly bins = new Array<number>(MAX_ABITS).fill(0);
  /** Integer keys counted (array candidates). */
  integers = 0;

  /** countint: counts `k` when it is an array candidate. */
  count(k: number): boolean {
    if (k < 0) return false;
    this.bins[k > 2 ? fls(k - 1) : 0]++;
    this.integers++;
    return true;
  }

  /**
   * bestasize: the array size (slots 0..size-1) whose top power-of-two slice keeps the part more
   * than half full, and how many of the counted keys it takes.
   */
  best(): { asize: number; taken: number } {
    const nn = this.integers;
    let sum = 0, taken = 0, asize = 0;
    for (let b = 0; 2 * nn > 2 ** b && sum !== nn; b++) {
      if (this.bins[b] > 0 && 2 * (sum += this.bins[b]) > 2 ** b) {
        asize = 2 ** (b + 1) + 1;
        taken = sum;
      }
    }
    return { asize, taken };
  }
}
