// String literals as LuaJIT's lexer reads them (lj_lex.c lex_string / lex_longstring): the
// bytes a literal's source text stands for. luaparse hands over the raw text; its decoded
// value cannot be used, because its parser then mistakes a string "end" or "(" for the token.
// Strings are byte strings: one JS char per byte (latin-1).

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", '\n': '\n', '\r': '\n',
};

/** The bytes of `raw`, a quoted ('…', "…") or long-bracket ([[…]], [==[…]==]) literal. */
export function decodeStringLiteral(raw: string): string {
  if (raw.startsWith('[')) return decodeLongString(raw);
  return decodeQuoted(raw.slice(1, -1));
}

function decodeLongString(raw: string): string {
  const level = raw.indexOf('[', 1) - 1;
  let body = raw.slice(level + 2, raw.length - level - 2);
  // The newline right after the opening bracket is skipped; any newline sequence reads as \n.
  body = body.replace(/^(\r\n|\n\r|\n|\r)/, '');
  return body.replace(/\r\n|\n\r|\r/g, '\n');
}

function decodeQuoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      // \ followed by \r\n or \n\r is one newline.
      if ((e === '\r' && text[i + 1] === '\n') || (e === '\n' && text[i + 1] === '\r')) i++;
    } else if (e === 'x') {
      out += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (e === 'z') {
      while (i + 1 < text.length && /\s/.test(text[i + 1])) i++;
    } else if (e === 'u') {
      const close = text.indexOf('}', i);
      out += utf8(parseInt(text.slice(i + 2, close), 16));
      i = close;
    } else {
      const digits = /^\d{1,3}/.exec(text.slice(i))![0];
      out += String.fromCharCode(Number(digits));
      i += digits.length - 1;
    }
  }
  return out;
}

/** LuaJIT's \u{XXX}: the code point's UTF-8 bytes (up to 0x7fffffff, 6-byte forms included). */
function utf8(cp: number): string {
  if (cp < 0x80) return String.fromCharCode(cp);
  const bytes: number[] = [];
  let limit = 0x3f;
  while (cp > limit) {
    bytes.unshift(0x80 | (cp & 0x3f));
    cp = Math.floor(cp / 64);
    limit >>= 1;
  }
  bytes.unshift(((0xfe << Math.log2(limit + 1)) & 0xff) | cp);
  return String.fromCharCode(...bytes);
}
