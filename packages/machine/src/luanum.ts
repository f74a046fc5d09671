// Number operations whose C library semantics differ from JavaScript's: the interpreter, the
// IR interpreter and the trace helpers all use these, so JIT on and JIT off agree.

/** C99 pow(): pow(1, y) and pow(-1, ±inf) are 1, where Math.pow answers NaN. */
export function luaPow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}
