// Lua 5.1 patterns (lstrlib.c's matcher, as LuaJIT's lib_string.c runs it): character classes,
// sets, the four quantifiers, anchors, captures (position captures included), back-references,
// %b and %f. Positions are 0-based offsets into a byte string (one JS char per byte). Errors
// carry Lua's messages; recursion is limited as LuaJIT limits it (LJ_MAX_XLEVEL) and a step
// budget bounds the work of one match attempt. The C matcher reads the pattern as a C string,
// so a NUL byte ends it; LuaJIT adds 5.2's %g (printable except space).

/** A capture still open, and a position capture `()`. */
const CAP_UNFINISHED = -1;
const CAP_POSITION = -2;
const MAX_CAPTURES = 32;
/** LJ_MAX_XLEVEL: deeper recursion is "pattern too complex". */
const MAX_DEPTH = 200;
/** Character tests of one match attempt, past which the pattern counts as too complex (no hang). */
const MAX_STEPS = 20_000_000;
/** lj_str_haspattern's specials: a pattern without them is found as plain text (')' and ']' are not among them). */
export const PATTERN_SPECIALS = /[\^$*+?.([%-]/;

/** Raised with the message the string function reports as its error. */
export class PatternError extends Error {}

/** A capture's value: a substring or, for `()`, a 1-based position. */
export type Capture = string | number;

const isAlpha = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
const isLower = (c: number) => c >= 97 && c <= 122;
const isUpper = (c: number) => c >= 65 && c <= 90;
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isCntrl = (c: number) => c < 32 || c === 127;
const isPunct = (c: number) => c > 32 && c < 127 && !isAlpha(c) && !isDigit(c);
const isXDigit = (c: number) => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isGraph = (c: number) => c > 32 && c < 127;

/** The C-locale class tests behind %a %c %d %l %p %s %u %w %x %z. */
const CLASSES: Readonly<Record<string, (c: number) => boolean>> = {
  a: isAlpha, c: isCntrl, d: isDigit, g: isGraph, l: isLower, p: isPunct, s: isSpace, u: isUpper,
  w: (c) => isAlpha(c) || isDigit(c), x: isXDigit, z: (c) => c === 0,
};

function matchClass(c: number, cl: string): boolean {
  const test = CLASSES[cl.toLowerCase()];
  if (!test) return cl.charCodeAt(0) === c;
  return isUpper(cl.charCodeAt(0)) ? !test(c) : test(c);
}

export class Matcher {
  level = 0;
  private readonly capInit: number[] = [];
  private readonly capLen: number[] = [];
  private depth = 0;
  private steps = 0;

  readonly pat: string;

  constructor(readonly src: string, pattern: string) {
    const nul = pattern.indexOf('\0');
    this.pat = nul < 0 ? pattern : pattern.slice(0, nul);
  }

  /** Matches at `s` with the whole pattern from `p`: the end offset, or -1. */
  matchAt(s: number, p: number): number {
    this.level = 0;
    this.depth = 0;
    this.steps = 0;
    return this.match(s, p);
  }

  private tick(): void {
    if (++this.steps > MAX_STEPS) throw new PatternError('pattern too complex');
  }

  private classEnd(p: number): number {
    const pat = this.pat;
    const c = pat[p++];
    if (c === '%') {
      if (p >= pat.length) throw new PatternError("malformed pattern (ends with '%')");
      return p + 1;
    }
    if (c === '[') {
      if (pat[p] === '^') p++;
      do {
        if (p >= pat.length) throw new PatternError("malformed pattern (missing ']')");
        if (pat[p++] === '%' && p < pat.length) p++;
      } while (pat[p] !== ']');
      return p + 1;
    }
    return p;
  }

  private bracketClass(c: number, p: number, ec: number): boolean {
    const pat = this.pat;
    let sig = true;
    if (pat[p + 1] === '^') {
      sig = false;
      p++;
    }
    while (++p < ec) {
      if (pat[p] === '%') {
        p++;
        if (matchClass(c, pat[p])) return sig;
      } else if (pat[p + 1] === '-' && p + 2 < ec) {
        p += 2;
        if (pat.charCodeAt(p - 2) <= c && c <= pat.charCodeAt(p)) return sig;
      } else if (pat.charCodeAt(p) === c) return sig;
    }
    return !sig;
  }

  private single(s: number, p: number, ep: number): boolean {
    if (s >= this.src.length) return false;
    this.tick();
    const c = this.src.charCodeAt(s);
    switch (this.pat[p]) {
      case '.': return true;
      case '%': return matchClass(c, this.pat[p + 1]);
      case '[': return this.bracketClass(c, p, ep - 1);
      default: return this.pat.charCodeAt(p) === c;
    }
  }

  private match(s: number, p: number): number {
    if (++this.depth > MAX_DEPTH) throw new PatternError('pattern too complex');
    try {
      return this.matchLoop(s, p);
    } finally {
      this.depth--;
    }
  }

  private matchLoop(s: number, p: number): number {
    const pat = this.pat;
    for (;;) {
      if (p >= pat.length) return s;
      const c = pat[p];
      if (c === '(') return pat[p + 1] === ')' ? this.startCapture(s, p + 2, CAP_POSITION) : this.startCapture(s, p + 1, CAP_UNFINISHED);
      if (c === ')') return this.endCapture(s, p + 1);
      if (c === '$' && p + 1 === pat.length) return s === this.src.length ? s : -1;
      if (c === '%' && pat[p + 1] === 'b') {
        s = this.balance(s, p + 2);
        if (s === -1) return -1;
        p += 4;
        continue;
      }
      if (c === '%' && pat[p + 1] === 'f') {
        p += 2;
        if (pat[p] !== '[') throw new PatternError("missing '[' after '%f' in pattern");
        const ep = this.classEnd(p);
        const prev = s === 0 ? 0 : this.src.charCodeAt(s - 1);
        const cur = s < this.src.length ? this.src.charCodeAt(s) : 0;
        if (this.bracketClass(prev, p, ep - 1) || !this.bracketClass(cur, p, ep - 1)) return -1;
        p = ep;
        continue;
      }
      if (c === '%' && isDigit(pat.charCodeAt(p + 1))) {
        s = this.backReference(s, pat.charCodeAt(p + 1) - 49);
        if (s === -1) return -1;
        p += 2;
        continue;
      }
      const ep = this.classEnd(p);
      const m = this.single(s, p, ep);
      switch (pat[ep]) {
        case '?': {
          if (m) {
            const res = this.match(s + 1, ep + 1);
            if (res !== -1) return res;
          }
          p = ep + 1;
          continue;
        }
        case '*': return this.maxExpand(s, p, ep);
        case '+': return m ? this.maxExpand(s + 1, p, ep) : -1;
        case '-': return this.minExpand(s, p, ep);
        default:
          if (!m) return -1;
          s++;
          p = ep;
      }
    }
  }

  private maxExpand(s: number, p: number, ep: number): number {
    let i = 0;
    while (this.single(s + i, p, ep)) i++;
    for (; i >= 0; i--) {
      const res = this.match(s + i, ep + 1);
      if (res !== -1) return res;
    }
    return -1;
  }

  private minExpand(s: number, p: number, ep: number): number {
    for (;;) {
      const res = this.match(s, ep + 1);
      if (res !== -1) return res;
      if (!this.single(s, p, ep)) return -1;
      s++;
    }
  }

  private startCapture(s: number, p: number, what: number): number {
    if (this.level >= MAX_CAPTURES) throw new PatternError('too many captures');
    this.capInit[this.level] = s;
    this.capLen[this.level] = what;
    this.level++;
    const res = this.match(s, p);
    if (res === -1) this.level--;
    return res;
  }

  private endCapture(s: number, p: number): number {
    let l = this.level - 1;
    while (l >= 0 && this.capLen[l] !== CAP_UNFINISHED) l--;
    if (l < 0) throw new PatternError('invalid pattern capture');
    this.capLen[l] = s - this.capInit[l];
    const res = this.match(s, p);
    if (res === -1) this.capLen[l] = CAP_UNFINISHED;
    return res;
  }

  private balance(s: number, p: number): number {
    if (p + 1 >= this.pat.length) throw new PatternError('unbalanced pattern');
    const src = this.src;
    if (s >= src.length || src[s] !== this.pat[p]) return -1;
    const [b, e] = [this.pat[p], this.pat[p + 1]];
    let depth = 1;
    while (++s < src.length) {
      this.tick();
      if (src[s] === e) {
        if (--depth === 0) return s + 1;
      } else if (src[s] === b) depth++;
    }
    return -1;
  }

  private backReference(s: number, l: number): number {
    if (l < 0 || l >= this.level || this.capLen[l] === CAP_UNFINISHED) throw new PatternError('invalid capture index');
    const len = this.capLen[l];
    const init = this.capInit[l];
    // A position capture's length is negative, which C compares as a huge unsigned size: no match.
    if (len < 0) return -1;
    if (this.src.length - s >= len && this.src.substr(init, len) === this.src.substr(s, len)) return s + len;
    return -1;
  }

  /** Capture `i` of the match [s, e): with no captures, capture 0 is the whole match. */
  capture(i: number, s: number, e: number): Capture {
    if (i >= this.level) {
      if (i === 0) return this.src.slice(s, e);
      throw new PatternError('invalid capture index');
    }
    const len = this.capLen[i];
    if (len === CAP_UNFINISHED) throw new PatternError('unfinished capture');
    if (len === CAP_POSITION) return this.capInit[i] + 1;
    return this.src.substr(this.capInit[i], len);
  }

  /** Every capture of the match [s, e), or the whole match when the pattern has none. */
  captures(s: number, e: number, wholeIfNone: boolean): Capture[] {
    const n = this.level === 0 && wholeIfNone ? 1 : this.level;
    return Array.from({ length: n }, (_, i) => this.capture(i, s, e));
  }
}
