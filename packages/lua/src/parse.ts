// Source → luaparse AST with locations, in LuaJIT's dialect (goto and labels, `LL`/`ULL`
// integer suffixes). Syntax errors become LuaSyntaxError at `file:line:col`.
import * as luaparse from 'luaparse';
import { LuaSyntaxError } from './errors';

export type Chunk = luaparse.Chunk;
export type Node = luaparse.Node;

interface LuaparseError extends Error {
  line: number;
  column: number;
}

/** The streaming half of luaparse's API, which its type declarations leave out. */
interface LuaparseLexer {
  write(source: string): void;
  lex(): { type: number; value: unknown; range: [number, number] };
  readonly tokenTypes: { readonly EOF: number; readonly Keyword: number; readonly Punctuator: number };
}
const lexer = luaparse as unknown as LuaparseLexer;

// No encodingMode: string literals are decoded from their raw text (strlit.ts), since with a
// decoded value luaparse's parser takes a string "end" for the keyword (`return "end"`).
const OPTIONS = { locations: true, ranges: true, comments: false, luaVersion: 'LuaJIT' } as const;

export function parseLua(source: string, chunkname: string): Chunk {
  try {
    return luaparse.parse(allowSemicolonAfterBreak(source), OPTIONS as luaparse.Options);
  } catch (err) {
    const e = typeof (err as LuaparseError).line === 'number' || !(err instanceof TypeError) ? (err as LuaparseError) : firstTokenError(source, err);
    if (typeof e.line !== 'number') throw err;
    // luaparse's `unexpected number '42' near '<eof>'` is Lua's `unexpected symbol near '42'`.
    const message = e.message.replace(/^\[\d+:\d+\] /, '').replace(/^unexpected \w+ ('.*') near '.*'$/, 'unexpected symbol near $1');
    throw new LuaSyntaxError(`${chunkname}:${e.line}:${e.column + 1}`, message);
  }
}

/**
 * luaparse fails with a TypeError, not a SyntaxError, when the very first token is a character
 * Lua has no use for (`&`): it has no token yet to say `near`. Behind a `;` the same character
 * gets the ordinary error, whose column (on line 1) is then moved back over the `;`.
 */
function firstTokenError(source: string, original: unknown): LuaparseError {
  try {
    luaparse.parse(`;${source}`, OPTIONS as luaparse.Options);
  } catch (err) {
    const e = err as LuaparseError;
    if (typeof e.line === 'number') {
      if (e.line === 1) e.column -= 1;
      return e;
    }
  }
  throw original;
}

/**
 * Lua 5.1 lets the last statement of a block be `break;` (the `;` is optional), but luaparse's
 * LuaJIT mode stops at the `;`. The one `;` after a `break` becomes a space, so every position
 * stays where it was. A source the lexer rejects is left alone for the parser to report.
 */
function allowSemicolonAfterBreak(source: string): string {
  if (!/\bbreak\s*;/.test(source)) return source;
  const blanks: number[] = [];
  try {
    luaparse.parse({ ...OPTIONS, wait: true } as luaparse.Options);
    lexer.write(source);
    let previousBreak = false;
    for (let guard = 0; guard <= source.length; guard++) {
      const token = lexer.lex();
      if (token.type === lexer.tokenTypes.EOF) break;
      if (previousBreak && token.type === lexer.tokenTypes.Punctuator && token.value === ';') blanks.push(token.range[0]);
      previousBreak = token.type === lexer.tokenTypes.Keyword && token.value === 'break';
    }
  } catch {
    return source;
  }
  let out = source;
  for (const at of blanks) out = `${out.slice(0, at)} ${out.slice(at + 1)}`;
  return out;
}
