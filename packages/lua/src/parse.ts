// Source → luaparse AST with locations. Syntax errors become LuaSyntaxError at
// `file:line:col`; goto/labels and varargs are rejected here as outside the subset.
import * as luaparse from 'luaparse';
import { LuaSyntaxError, NotSupportedError } from './errors';

export type Chunk = luaparse.Chunk;
export type Node = luaparse.Node;

interface LuaparseError extends Error {
  line: number;
  column: number;
}

export function parseLua(source: string, chunkname: string): Chunk {
  let chunk: Chunk;
  try {
    chunk = luaparse.parse(source, { locations: true, ranges: true, comments: false, luaVersion: 'LuaJIT', encodingMode: 'pseudo-latin1' } as luaparse.Options);
  } catch (err) {
    const e = err as LuaparseError;
    if (typeof e.line !== 'number') throw err;
    const message = e.message.replace(/^\[\d+:\d+\] /, '');
    throw new LuaSyntaxError(`${chunkname}:${e.line}:${e.column + 1}`, message);
  }
  rejectUnsupportedSyntax(chunk, chunkname);
  return chunk;
}

const UNSUPPORTED_NODES: Readonly<Record<string, string>> = {
  GotoStatement: 'goto',
  LabelStatement: 'goto (labels)',
  VarargLiteral: 'varargs (...)',
};

/** Reports the first (by position) use of syntax outside the subset. */
function rejectUnsupportedSyntax(root: Node, chunkname: string): void {
  const stack: unknown[] = [root];
  let first: { line: number; column: number; feature: string } | undefined;
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (const child of node) stack.push(child);
      continue;
    }
    const typed = node as { type?: string; loc?: { start: { line: number; column: number } } };
    const feature = typed.type !== undefined ? UNSUPPORTED_NODES[typed.type] : undefined;
    const at = typed.loc?.start ?? { line: 0, column: 0 };
    if (feature !== undefined && (!first || at.line < first.line || (at.line === first.line && at.column < first.column))) {
      first = { line: at.line, column: at.column, feature };
    }
    for (const [key, value] of Object.entries(node)) if (key !== 'loc' && key !== 'range') stack.push(value);
  }
  if (first) throw new NotSupportedError(`${chunkname}:${first.line}`, first.feature);
}
