// string.format: C printf conversions (%d %i %u %c %o %x %X %e %E %f %g %G %q %s %%) with
// flags, width and precision, applied to Lua values the way Lua 5.1's str_format does.
import { formatE, formatF, formatG } from './numfmt';

export interface FormatArgs {
  readonly count: number;
  number(i: number): number;
  string(i: number): string;
  /** Raises `bad argument #n to 'format' (msg)`. */
  fail(i: number, msg: string): never;
}

const SPEC = /%([-+ #0]*)(\d*)(?:\.(\d*))?([diucoxXeEfgGqs%])?/y;

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
    SPEC.lastIndex = pct;
    const m = SPEC.exec(fmt)!;
    i = SPEC.lastIndex;
    const [, flags, widthText, precText, conv] = m;
    if (conv === '%' && m[0] === '%%') {
      out += '%';
      continue;
    }
    if (conv === undefined || conv === '%') args.fail(argi + 1, `invalid option '%${fmt[pct + 1 + flags.length + widthText.length] ?? ''}' to 'format'`);
    if (widthText.length > 2 || (precText?.length ?? 0) > 2) args.fail(argi + 1, "invalid format (width or precision too long)");
    argi++;
    const width = widthText === '' ? 0 : Number(widthText);
    const prec = precText === undefined ? undefined : precText === '' ? 0 : Number(precText);
    let body: string;
    let numeric = true;
    switch (conv) {
      case 'd': case 'i': {
        const n = Math.trunc(args.number(argi));
        body = integerDigits(Math.abs(n), 10, prec);
        body = sign(n < 0, flags) + body;
        break;
      }
      case 'u': body = integerDigits(toUnsigned(args.number(argi)), 10, prec); break;
      case 'o': body = (flags.includes('#') ? '0' : '') + integerDigits(toUnsigned(args.number(argi)), 8, prec); break;
      case 'x': case 'X': {
        const n = toUnsigned(args.number(argi));
        body = integerDigits(n, 16, prec);
        if (flags.includes('#') && n !== 0n) body = '0x' + body;
        if (conv === 'X') body = body.toUpperCase();
        break;
      }
      case 'c': body = String.fromCharCode(args.number(argi) & 0xff); numeric = false; break;
      case 'e': case 'E': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + formatE(Math.abs(n), prec ?? 6);
        if (conv === 'E') body = body.toUpperCase();
        break;
      }
      case 'f': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + formatF(Math.abs(n), prec ?? 6);
        break;
      }
      case 'g': case 'G': {
        const n = args.number(argi);
        body = sign(n < 0 || Object.is(n, -0), flags) + formatG(Math.abs(n), prec ?? 6, flags.includes('#'));
        if (conv === 'G') body = body.toUpperCase();
        break;
      }
      case 'q': body = quote(args.string(argi)); numeric = false; break;
      default: {
        const s = args.string(argi);
        body = prec === undefined ? s : s.slice(0, prec);
        numeric = false;
      }
    }
    out += pad(body, width, flags, numeric && prec === undefined || (numeric && 'eEfgG'.includes(conv)));
  }
  return out;
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

/** C's cast of a double to an unsigned 64-bit integer via long (LUA_INTFRM_T). */
function toUnsigned(n: number): bigint {
  return BigInt.asUintN(64, BigInt(Math.trunc(Number.isFinite(n) ? n : 0)));
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

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\0') out += '\\000';
    else out += ch;
  }
  return out + '"';
}
