// The emulated address space: sparse 4 KiB pages with r/w/x permissions, little-endian,
// unaligned accesses allowed (also across pages). The last page read and the last page
// written are cached so that aligned in-page accesses cost two compares and a DataView
// access. Address ranges can carry write watchers (decode-cache invalidation, the
// monitor's canary check); an in-page write touching a watched range leaves the fast path,
// so watchers see every write to their range.
import { AccessKind, GeneralProtectionFault, MemoryLayoutError, PageFault, hex } from './faults';

export const PAGE_SIZE = 4096;
const PAGE_LAST = PAGE_SIZE - 1;
const FAR_AWAY = -(2 ** 60);
/** Addresses in [2^47, 2^64 - 2^47) are not canonical: accesses raise #GP, not #PF. */
const LOWEST_NON_CANONICAL = 2 ** 47;
const HIGHEST_NON_CANONICAL = 2 ** 64 - 2 ** 47;

export type Perm = 'r' | 'rw' | 'rx' | 'rwx';

/** Called after bytes [address, address+size) overlapping a watched range were written. */
export type WriteWatcher = (address: number, size: number) => void;

interface Watch {
  readonly start: number;
  readonly end: number;
  readonly watcher: WriteWatcher;
}

interface Page {
  readonly base: number;
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly perm: Perm;
  readonly name: string;
  readonly writable: boolean;
  readonly executable: boolean;
  watches: Watch[];
  /** Offsets [watchLow, watchHigh) of the page some watch covers (0, 0 when none). */
  watchLow: number;
  watchHigh: number;
}

/** One mapped region as the embedder declared it. */
export interface Region {
  readonly address: number;
  readonly size: number;
  readonly perm: Perm;
  readonly name: string;
}

const pageNumber = (address: number): number => Math.floor(address / PAGE_SIZE);

export class Memory {
  private readonly pages = new Map<number, Page>();
  private readonly declared: Region[] = [];
  /** Every write watch, so that pages made after it take it too. */
  private readonly watches: Watch[] = [];
  private readBase = FAR_AWAY;
  private readView: DataView = new DataView(new ArrayBuffer(8));
  private writeBase = FAR_AWAY;
  private writeView: DataView = new DataView(new ArrayBuffer(8));
  private writeWatchLow = 0;
  private writeWatchHigh = 0;
  /** The pages behind the fast paths, and the one used before each (a second cache entry). */
  private readPage: Page | undefined;
  private readSpare: Page | undefined;
  private writePage: Page | undefined;
  private writeSpare: Page | undefined;

  /**
   * Maps [address, address+size) with zeroed pages. Both must be page-aligned. A page's bytes
   * are made on its first access, so a large region costs nothing until it is used.
   */
  map(address: number, size: number, perm: Perm, name: string): void {
    if (address % PAGE_SIZE !== 0 || size % PAGE_SIZE !== 0 || size <= 0 || address < 0 || address + size > 2 ** 53) {
      throw new MemoryLayoutError(`region ${name}`, `map(${hex(address)}, ${hex(size)}) must be page-aligned, non-empty and below 2^53`);
    }
    const clash = this.declared.find((r) => address < r.address + r.size && r.address < address + size);
    if (clash) throw new MemoryLayoutError(`region ${name}`, `page ${hex(Math.max(address, clash.address))} is already mapped as ${clash.name}`);
    this.declared.push({ address, size, perm, name });
  }

  /** Removes the region mapped at exactly [address, address+size); later accesses fault. */
  unmap(address: number, size: number): void {
    const index = this.declared.findIndex((r) => r.address === address && r.size === size);
    if (index < 0) throw new MemoryLayoutError(`address ${hex(address)}`, `unmap(${hex(address)}, ${hex(size)}) does not match a mapped region`);
    this.declared.splice(index, 1);
    for (let a = address; a < address + size; a += PAGE_SIZE) this.pages.delete(pageNumber(a));
    this.forgetCaches();
  }

  /**
   * Forgets the pages made in [start, end) that `keep(pageBase)` does not keep: they read as
   * zeros again and cost nothing until touched (the heap's dead table headers).
   */
  discardPages(start: number, end: number, keep: (pageBase: number) => boolean): void {
    for (const [n, page] of this.pages) {
      if (page.base >= start && page.base < end && !keep(page.base)) this.pages.delete(n);
    }
    this.forgetCaches();
  }

  /** The page numbered `n`, made on first use when a region covers it. */
  private pageNumbered(n: number): Page | undefined {
    return this.pages.get(n) ?? this.materialize(n);
  }

  private regionHolding(address: number): Region | undefined {
    return this.declared.find((r) => address >= r.address && address < r.address + r.size);
  }

  private materialize(n: number): Page | undefined {
    const base = n * PAGE_SIZE;
    const region = this.regionHolding(base);
    if (!region) return undefined;
    const bytes = new Uint8Array(PAGE_SIZE);
    const page: Page = {
      base,
      bytes,
      view: new DataView(bytes.buffer),
      perm: region.perm,
      name: region.name,
      writable: region.perm.includes('w'),
      executable: region.perm.includes('x'),
      watches: [],
      watchLow: 0,
      watchHigh: 0,
    };
    this.pages.set(n, page);
    for (const watch of this.watches) if (watch.start < base + PAGE_SIZE && watch.end > base) this.addWatch(page, watch);
    return page;
  }

  regions(): readonly Region[] {
    return this.declared;
  }

  /** The region holding `address`, if mapped. */
  regionAt(address: number): string | undefined {
    return (this.pages.get(pageNumber(address)) ?? this.regionHolding(address))?.name;
  }

  isMapped(address: number): boolean {
    return this.pages.has(pageNumber(address)) || this.regionHolding(address) !== undefined;
  }

  isExecutable(address: number): boolean {
    return (this.pages.get(pageNumber(address))?.perm ?? this.regionHolding(address)?.perm ?? '').includes('x');
  }

  /**
   * Calls `visit(lo, hi)` with the two halves of every 8-byte word in [start, end) (8-aligned)
   * on pages already touched; a page never touched holds only zeros.
   */
  forEachWord(start: number, end: number, visit: (lo: number, hi: number) => void): void {
    for (let p = pageNumber(start); p <= pageNumber(end - 1); p++) {
      const page = this.pages.get(p);
      if (!page) continue;
      const from = Math.max(start, page.base) - page.base;
      const to = Math.min(end, page.base + PAGE_SIZE) - page.base;
      for (let off = from; off + 8 <= to; off += 8) visit(page.view.getUint32(off, true), page.view.getUint32(off + 4, true));
    }
  }

  /** Calls `watcher` after every write that overlaps [start, end) (mapped pages only). */
  watchWrites(start: number, end: number, watcher: WriteWatcher): void {
    const watch: Watch = { start, end, watcher };
    this.watches.push(watch);
    // Pages made later take the watch when they are made.
    for (let p = pageNumber(start); p <= pageNumber(end - 1); p++) {
      const page = this.pages.get(p);
      if (page) this.addWatch(page, watch);
    }
    this.forgetCaches();
  }

  private addWatch(page: Page, watch: Watch): void {
    page.watches = [...page.watches, watch];
    const low = Math.max(watch.start, page.base) - page.base;
    const high = Math.min(watch.end, page.base + PAGE_SIZE) - page.base;
    page.watchLow = page.watchHigh === 0 ? low : Math.min(page.watchLow, low);
    page.watchHigh = Math.max(page.watchHigh, high);
  }

  // ---- reads -------------------------------------------------------------------------

  read8(a: number): number {
    const off = a - this.readBase;
    if (off >= 0 && off <= PAGE_LAST) return this.readView.getUint8(off);
    const page = this.page(a, 'read');
    return page.bytes[a - page.base];
  }

  read16(a: number): number {
    const off = a - this.readBase;
    if (off >= 0 && off <= PAGE_SIZE - 2) return this.readView.getUint16(off, true);
    return this.readSlow(a, 2);
  }

  read32(a: number): number {
    const off = a - this.readBase;
    if (off >= 0 && off <= PAGE_SIZE - 4) return this.readView.getUint32(off, true);
    return this.readSlow(a, 4);
  }

  /** The signed 32-bit value at `a` (the CPU's register halves are int32). */
  readI32(a: number): number {
    const off = a - this.readBase;
    if (off >= 0 && off <= PAGE_SIZE - 4) return this.readView.getInt32(off, true);
    return this.readSlow(a, 4) | 0;
  }

  read64(a: number): bigint {
    return (BigInt(this.read32(a + 4)) << 32n) | BigInt(this.read32(a));
  }

  readF64(a: number): number {
    const off = a - this.readBase;
    if (off >= 0 && off <= PAGE_SIZE - 8) return this.readView.getFloat64(off, true);
    scratchView.setUint32(0, this.read32(a), true);
    scratchView.setUint32(4, this.read32(a + 4), true);
    return scratchView.getFloat64(0, true);
  }

  readBytes(a: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.read8(a + i);
    return out;
  }

  /**
   * Up to `max` bytes at `a` for instruction fetch, stopping at the first byte that is not
   * in an executable page. Faults only if the very first byte cannot be fetched.
   */
  fetch(a: number, max: number): Uint8Array {
    const first = this.page(a, 'fetch');
    const inFirst = Math.min(max, first.base + PAGE_SIZE - a);
    if (inFirst === max) return first.bytes.slice(a - first.base, a - first.base + max);
    const next = this.pageNumbered(pageNumber(a + inFirst));
    const out = new Uint8Array(next && next.executable ? max : inFirst);
    out.set(first.bytes.subarray(a - first.base));
    if (next && next.executable) out.set(next.bytes.subarray(0, max - inFirst), inFirst);
    return out;
  }

  // ---- writes ------------------------------------------------------------------------

  write8(a: number, v: number): void {
    const off = a - this.writeBase;
    if (off >= 0 && off <= PAGE_LAST && (off >= this.writeWatchHigh || off + 1 <= this.writeWatchLow)) this.writeView.setUint8(off, v);
    else this.writeSlow(a, 1, v, 0);
  }

  write16(a: number, v: number): void {
    const off = a - this.writeBase;
    if (off >= 0 && off <= PAGE_SIZE - 2 && (off >= this.writeWatchHigh || off + 2 <= this.writeWatchLow)) this.writeView.setUint16(off, v, true);
    else this.writeSlow(a, 2, v, 0);
  }

  write32(a: number, v: number): void {
    const off = a - this.writeBase;
    if (off >= 0 && off <= PAGE_SIZE - 4 && (off >= this.writeWatchHigh || off + 4 <= this.writeWatchLow)) this.writeView.setUint32(off, v >>> 0, true);
    else this.writeSlow(a, 4, v, 0);
  }

  /** Writes the 64-bit value hi:lo (two 32-bit halves, signed or unsigned). */
  write64Halves(a: number, lo: number, hi: number): void {
    const off = a - this.writeBase;
    if (off >= 0 && off <= PAGE_SIZE - 8 && (off >= this.writeWatchHigh || off + 8 <= this.writeWatchLow)) {
      this.writeView.setUint32(off, lo >>> 0, true);
      this.writeView.setUint32(off + 4, hi >>> 0, true);
    } else this.writeSlow(a, 8, lo, hi);
  }

  write64(a: number, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.write64Halves(a, Number(u & 0xffffffffn), Number(u >> 32n));
  }

  writeF64(a: number, v: number): void {
    const off = a - this.writeBase;
    if (off >= 0 && off <= PAGE_SIZE - 8 && (off >= this.writeWatchHigh || off + 8 <= this.writeWatchLow)) this.writeView.setFloat64(off, v, true);
    else {
      scratchView.setFloat64(0, v, true);
      this.writeSlow(a, 8, scratchView.getUint32(0, true), scratchView.getUint32(4, true));
    }
  }

  /**
   * Host-side store (loading code, patching exits): ignores the write permission, so code
   * pages can stay r-x for the CPU. Watchers still see it.
   */
  writeBytes(a: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Every page is checked before the first byte is written: no partial writes.
    for (let p = pageNumber(a); p <= pageNumber(a + bytes.length - 1); p++) this.page(Math.max(a, p * PAGE_SIZE), 'read');
    for (let done = 0; done < bytes.length;) {
      const page = this.pageNumbered(pageNumber(a + done))!;
      const off = a + done - page.base;
      const n = Math.min(bytes.length - done, PAGE_SIZE - off);
      page.bytes.set(bytes.subarray(done, done + n), off);
      done += n;
    }
    this.notifyWatchers(a, bytes.length);
  }

  // ---- slow paths --------------------------------------------------------------------

  /** The page holding `a`, checked for `access`; reads and writes also refresh their cache. */
  private page(a: number, access: AccessKind): Page {
    const spare = access === 'read' ? this.readSpare : access === 'write' ? this.writeSpare : undefined;
    const page = spare !== undefined && a >= spare.base && a < spare.base + PAGE_SIZE ? spare : this.pageNumbered(pageNumber(a));
    if (!page) {
      if (a >= LOWEST_NON_CANONICAL && a < HIGHEST_NON_CANONICAL) {
        throw new GeneralProtectionFault(`${access} at non-canonical address ${hex(a)}`, a);
      }
      throw new PageFault(a, access, 'not mapped');
    }
    if (access === 'write' && !page.writable) throw new PageFault(a, access, 'not writable');
    if (access === 'fetch' && !page.executable) throw new PageFault(a, access, 'not executable');
    if (access === 'read' && page !== this.readPage) {
      this.readSpare = this.readPage;
      this.readPage = page;
      this.readBase = page.base;
      this.readView = page.view;
    } else if (access === 'write' && page !== this.writePage) {
      this.writeSpare = this.writePage;
      this.writePage = page;
      this.writeBase = page.base;
      this.writeView = page.view;
      this.writeWatchLow = page.watchLow;
      this.writeWatchHigh = page.watchHigh;
    }
    return page;
  }

  private readSlow(a: number, size: number): number {
    const page = this.page(a, 'read');
    const off = a - page.base;
    if (off + size <= PAGE_SIZE) return size === 2 ? page.view.getUint16(off, true) : page.view.getUint32(off, true);
    this.page(page.base + PAGE_SIZE, 'read');
    let value = 0;
    for (let i = size - 1; i >= 0; i--) value = value * 256 + this.read8(a + i);
    return value;
  }

  /** Writes `size` bytes of hi:lo at `a` after checking every page touched (no partial writes). */
  private writeSlow(a: number, size: number, lo: number, hi: number): void {
    const page = this.page(a, 'write');
    const off = a - page.base;
    if (off + size <= PAGE_SIZE) {
      if (size === 1) page.view.setUint8(off, lo);
      else if (size === 2) page.view.setUint16(off, lo, true);
      else {
        page.view.setUint32(off, lo >>> 0, true);
        if (size === 8) page.view.setUint32(off + 4, hi >>> 0, true);
      }
      if (page.watches.length > 0) this.notifyWatchers(a, size);
      return;
    }
    this.page(page.base + PAGE_SIZE, 'write');
    for (let i = 0; i < size; i++) {
      const word = i < 4 ? lo : hi;
      this.storeByte(a + i, (word >>> (8 * (i & 3))) & 0xff);
    }
    this.notifyWatchers(a, size);
  }

  private storeByte(a: number, v: number): void {
    const page = this.pageNumbered(pageNumber(a)) as Page;
    page.bytes[a - page.base] = v;
  }

  private notifyWatchers(a: number, size: number): void {
    const first = pageNumber(a);
    const last = pageNumber(a + size - 1);
    const notified = first === last ? undefined : new Set<Watch>();
    for (let p = first; p <= last; p++) {
      const page = this.pages.get(p);
      if (!page) continue;
      for (const w of page.watches) {
        if (a < w.end && a + size > w.start && !notified?.has(w)) {
          notified?.add(w);
          w.watcher(a, size);
        }
      }
    }
  }

  private forgetCaches(): void {
    this.readBase = FAR_AWAY;
    this.writeBase = FAR_AWAY;
    this.readPage = this.readSpare = this.writePage = this.writeSpare = undefined;
  }
}

const scratchView = new DataView(new ArrayBuffer(8));
