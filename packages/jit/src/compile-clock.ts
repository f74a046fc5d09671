// Time spent compiling traces (recording, optimising, allocating, encoding, patching), apart
// from interpreting and running trace code: `npm run bench` divides traces by it. Nested
// timed calls count once, at the outermost.

export class CompileClock {
  private total = 0;
  private depth = 0;

  /** Seconds spent inside `time` so far. */
  get seconds(): number {
    return this.total / 1000;
  }

  time<T>(work: () => T): T {
    if (this.depth > 0) return work();
    this.depth++;
    const start = performance.now();
    try {
      return work();
    } finally {
      this.total += performance.now() - start;
      this.depth--;
    }
  }
}
