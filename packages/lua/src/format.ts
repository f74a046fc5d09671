// string.format: C printf conversions (%d %i %u %c %o %x %X %a %A %e %E %f %g %G %q %s %%)
// with flags, width and precision, parsed and applied to Lua values as LuaJIT's lj_strfmt does:
// widths and precisions of at most two digits, integers through a 64-bit conversion, %a in
// normalised hex, %q with LuaJIT's decimal escapes.
import { formatE, formatF, formatG } from './numfmt';

export interface FormatArgs {
  readonly count: number;
  number(i: number): number;
  /** An integer conversion's operand: C's (int64_t) cast of the number, or an int64 cdata's bits. */
  integer(i: number): bigint;
  string(i: number): string;
  /** Raises `invalid option '%…' to 'format'`. */
  invalid(option: string): never;
}

const FLAGS = '-+ #0';
const CONVERSIONS = 'diucoxXaAeEfgGqs';

interface Spec {
  readonly flags: string;
  readonly width: number;
  readonly prec: number | undefined;
  readonly conv: string;
  /** Index just past the specification. */
  readonly end: number;
}

/** lj_strfmt_parse for the specification at `pct`: flags, a width and a precision of up to two digits each, a conversion. */
function parseSpec(fmt: string, pct: number, args: FormatArgs): Spec {
  let i = pct + 1;
  while (i < fmt.length && FLAGS.includes(fmt[i])) i++;
  const flags = fmt.slice(pct + 1, i);
  const digits = (): string => {
    const from = i;
    while (i < fmt.length && i - from < 2 && /\d/.test(fmt[i])) i++;
    if (/\d/.test(fmt[i] ?? '')) args.invalid(fmt.slice(pct, i + 1));
    return fmt.slice(from, i);
  };
  const widthText = digits();
  let prec: number | undefined;
  if (fmt[i] === '.') {
    i++;
    prec = Number(digits() || '0');
  }
  const conv = fmt[i] ?? '';
  if (!CONVERSIONS.includes(conv) || conv === '') args.invalid(fmt.slice(pct, i + 1));
  return { flags, width: widthText === '' ? 0 : Number(widthText), prec, conv, end: i + 1 };
}

export function formatString(fmt: string, args: FormatArgs): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    if (fmt[pct + 1] === '%') {
      out += '%';
      i = pct + 2;
      continue;
    }
    const { flags, width, prec, conv, end } = parseSpec(fmt, pct, args);
    i = end;
    argi++;
    let body: string;
    let numeric = true;
    switch (conv) {
      case 'd': case 'i': {
        const n = args.integer(argi);
        body = sign(n < 0n, flags) + integerDigits(n < 0n ? -n : n, 10, prec);
        break;
      }
      case 'u': body = integerDigits(BigInt.asUintN(64, args.integer(argi)), 10, prec); break;
      case 'o': {
        body = integerDigits(BigInt.asUintN(64, args.integer(argi)), 8, prec);
        // '#' makes the first digit a 0, adding one only when the digits do not start with it.
        if (flags.includes('#') && !body.startsWith('0')) body = `0${body}`;
        break;
      }
      case 'x': case 'X': {
        const n = BigInt.asUintN(64, args.integer(argi));
        body = integerDigits(n, 16, prec);
        if (flags.includes('#') && n !== 0n) body = '0x' + body;
        if (conv === 'X') body = body.toUpperCase();
        break;
      }
      case 'c': body = String.fromCharCode(args.number(argi) & 0xff); numeric = false; break;
      case 'a': case 'A': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + hexFloat(Math.abs(n), prec, flags.includes('#'));
        if (conv === 'A') body = body.toUpperCase();
        break;
      }
      case 'e': case 'E': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + alternate(formatE(Math.abs(n), prec ?? 6), flags);
        if (conv === 'E') body = body.toUpperCase();
        break;
      }
      case 'f': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + alternate(formatF(Math.abs(n), prec ?? 6), flags);
        break;
      }
      case 'g': case 'G': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + formatG(Math.abs(n), prec ?? 6, flags.includes('#'));
        if (conv === 'G') body = body.toUpperCase();
        break;
      }
      case 'q': out += quote(args.string(argi)); continue; // %q takes no width (lj_strfmt)
      default: {
        const s = args.string(argi);
        body = prec === undefined ? s : s.slice(0, prec);
        numeric = false;
      }
    }
    out += pad(body, width, flags, numeric && prec === undefined || (numeric && 'eEfgGaA'.includes(conv)));
  }
  return out;
}

/** '#' on %e/%f: the decimal point even with no digits after it. */
function alternate(digits: string, flags: string): string {
  if (!flags.includes('#') || digits.includes('.') || !/^\d/.test(digits)) return digits;
  const e = digits.search(/e/i);
  return e < 0 ? `${digits}.` : `${digits.slice(0, e)}.${digits.slice(e)}`;
}

function sign(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  if (flags.includes(' ')) return ' ';
  return '';
}

function integerDigits(n: number | bigint, radix: number, prec: number | undefined): string {
  const digits = n.toString(radix);
  if (prec === 0 && (n === 0 || n === 0n)) return '';
  return prec !== undefined && digits.length < prec ? digits.padStart(prec, '0') : digits;
}


function pad(body: string, width: number, flags: string, zeroAllowed: boolean): string {
  if (body.length >= width) return body;
  if (flags.includes('-')) return body.padEnd(width);
  if (flags.includes('0') && zeroAllowed && /^[+\- ]?(0x|0X)?[0-9a-fA-F.]/.test(body)) {
    const m = /^([+\- ]?(?:0x|0X)?)(.*)$/.exec(body)!;
    return m[1] + m[2].padStart(width - m[1].length, '0');
  }
  return body.padStart(width);
}

/** lj_strfmt's %q: control characters as decimal escapes (three digits before a digit), a newline escaped as itself. */
function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\\n';
    else if (c < 32 || c === 127) out += /\d/.test(s[i + 1] ?? '') ? `\\${String(c).padStart(3, '0')}` : `\\${c}`;
    else out += ch;
  }
  return out + '"';
}

/** C's %a of a non-negative double, normalised (subnormals too, as LuaJIT prints them). */
function hexFloat(n: number, prec: number | undefined, alt: boolean): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : 'inf';
  if (n === 0) return `0x0${prec ? `.${'0'.repeat(prec)}` : alt ? '.' : ''}p+0`;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, n);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) {
    // A subnormal: shift its leading 1 up to the implicit bit.
    exp = 1;
    while (!(mant & (1n << 52n))) {
      mant <<= 1n;
      exp--;
    }
    mant &= (1n << 52n) - 1n;
  }
  let lead = 1n;
  let digits = mant.toString(16).padStart(13, '0');
  if (prec !== undefined && prec < 13) {
    // Round to `prec` hex digits, half away from zero (as LuaJIT's lj_strfmt_num does).
    const drop = BigInt(4 * (13 - prec));
    const full = (1n << 52n) | mant;
    let kept = full >> drop;
    const rest = full & ((1n << drop) - 1n);
    if (rest >= 1n << (drop - 1n)) kept++;
    lead = kept >> BigInt(4 * prec);
    digits = prec === 0 ? '' : (kept & ((1n << BigInt(4 * prec)) - 1n)).toString(16).padStart(prec, '0');
  } else {
    digits = prec === undefined ? digits.replace(/0+$/, '') : digits.padEnd(prec, '0');
  }
  // A rounding carry shows as a leading 2 (0x2p+1), as C prints it.
  const e = exp - 1023;
  return `0x${lead}${digits || alt ? '.' : ''}${digits}p${e >= 0 ? '+' : ''}${e}`;
}
