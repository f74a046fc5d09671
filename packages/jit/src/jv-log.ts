// LuaJIT's `-jv` trace log (jit/v.lua) as data: the typed model of one `[TRACE ...]` line, its
// printer and its parser. A line parses only when printing it back gives the same bytes, so a
// parsed log can be compared field by field (jv-agreement.ts) and printed back unchanged.

import type { LinkKind } from '@tracesim/ir';

/** Link kinds v.lua prints by name: bare (`loop`) when the trace links to itself or to nothing, else `-> N loop`. */
const NAMED_LINKS = ['loop', 'tail-recursion', 'up-recursion', 'down-recursion', 'return'] as const satisfies readonly LinkKind[];
type JvNamedLink = (typeof NAMED_LINKS)[number];

/** What v.lua prints after the start location of a trace that links to the interpreter. */
const INTERPRETER_SUFFIX = '-- fallback to interpreter';

/** `file:line` as v.lua prints a Lua location (the chunk name as LuaJIT shortens it). */
export interface JvLocation {
  readonly file: string;
  readonly line: number;
}

/** `(parent/exit)` of a side trace, or `(previous/stitch)` of a trace that continues after a stitch. */
export interface JvOrigin {
  readonly parent: number;
  readonly exit: number | 'stitch';
}

/** How a completed trace ends. `target`: the trace it jumps to, the callee it stitches, or null. */
export type JvLink =
  | { readonly kind: 'root'; readonly target: number }
  | { readonly kind: 'stitch'; readonly target: string }
  | { readonly kind: 'interpreter'; readonly target: null }
  | { readonly kind: JvNamedLink; readonly target: number | null };

/** `[TRACE   N (P/E) file:line <link>]`: a trace was compiled. */
export interface JvTrace {
  readonly kind: 'trace';
  readonly trace: number;
  readonly origin: JvOrigin | null;
  readonly start: JvLocation;
  readonly link: JvLink;
}

/** `[TRACE --- (P/E) file:line -- reason[ at file:line]]`: recording was aborted. */
export interface JvAbort {
  readonly kind: 'abort';
  readonly origin: JvOrigin | null;
  readonly start: JvLocation;
  /** The message, e.g. `NYI: bytecode 51` or `down-recursion, restarting`. */
  readonly reason: string;
  /** Where recording stopped, printed only when it differs from `start` (`restarting at L` for DOWNREC). */
  readonly at: JvLocation | null;
}

/** `[TRACE flush]`: all traces were flushed. */
export interface JvFlush {
  readonly kind: 'flush';
}

export type JvEntry = JvTrace | JvAbort | JvFlush;

/** A parsed log: its trace lines and, kept apart, every other line (interleaved program output). */
export interface JvLog {
  readonly file: string;
  readonly traces: readonly { readonly line: number; readonly entry: JvEntry }[];
  readonly other: readonly { readonly line: number; readonly text: string }[];
}

/** A line that starts like a trace line but is not one v.lua can print; `location` is `file:line:col`. */
export class JvLogError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

const PREFIX = '[TRACE ';

const formatLocation = (loc: JvLocation): string => `${loc.file}:${loc.line}`;
const formatOrigin = (origin: JvOrigin | null): string => (origin ? `(${origin.parent}/${origin.exit}) ` : '');

function formatLink(link: JvLink): string {
  switch (link.kind) {
    case 'interpreter':
      return INTERPRETER_SUFFIX;
    case 'stitch':
      return `stitch ${link.target}`;
    case 'root':
      return `-> ${link.target}`;
    default:
      return link.target === null ? link.kind : `-> ${link.target} ${link.kind}`;
  }
}

/** The line exactly as v.lua prints it (no newline). */
export function formatJvLine(entry: JvEntry): string {
  switch (entry.kind) {
    case 'flush':
      return `${PREFIX}flush]`;
    case 'abort': {
      const at = entry.at ? ` at ${formatLocation(entry.at)}` : '';
      return `${PREFIX}--- ${formatOrigin(entry.origin)}${formatLocation(entry.start)} -- ${entry.reason}${at}]`;
    }
    case 'trace': {
      const head = `${PREFIX}${String(entry.trace).padStart(3)} ${formatOrigin(entry.origin)}`;
      return `${head}${formatLocation(entry.start)} ${formatLink(entry.link)}]`;
    }
  }
}

const LOCATION = /^(.+):(\d+)$/;
const isNamedLink = (s: string): s is JvNamedLink => (NAMED_LINKS as readonly string[]).includes(s);

/** The link suffix of a completed trace, or null when it is none v.lua prints. */
function parseLink(suffix: string): JvLink | null {
  if (suffix === INTERPRETER_SUFFIX) return { kind: 'interpreter', target: null };
  if (suffix.startsWith('stitch ') && suffix.length > 7) return { kind: 'stitch', target: suffix.slice(7) };
  const arrow = /^-> (\d+)(?: (.+))?$/.exec(suffix);
  if (arrow && arrow[2] === undefined) return { kind: 'root', target: Number(arrow[1]) };
  if (arrow && isNamedLink(arrow[2])) return { kind: arrow[2], target: Number(arrow[1]) };
  return isNamedLink(suffix) ? { kind: suffix, target: null } : null;
}

/**
 * Parses one trace line. `location` is `file:line`; errors carry `file:line:col`.
 * Throws JvLogError unless the line is exactly what v.lua prints for the parsed entry.
 */
export function parseJvLine(text: string, location: string): JvEntry {
  const fail = (index: number, message: string): never => {
    throw new JvLogError(`${location}:${index + 1}`, message);
  };
  if (!text.startsWith(PREFIX)) fail(0, `not a -jv trace line: expected '${PREFIX}'`);
  if (!text.endsWith(']')) fail(text.length, "expected ']' at the end of the trace line");
  const end = text.length - 1;
  let pos = PREFIX.length;
  let entry: JvEntry;
  if (text.slice(pos, end) === 'flush') {
    entry = { kind: 'flush' };
  } else {
    const head = /^ *(\d+|---) /.exec(text.slice(pos, end));
    if (!head) return fail(pos, "expected a trace number or '---', then a space");
    pos += head[0].length;
    let origin: JvOrigin | null = null;
    if (text[pos] === '(') {
      const o = /^\((\d+)\/(\d+|stitch)\) /.exec(text.slice(pos, end));
      if (!o) return fail(pos, "expected '(parent/exit) ' with a number or 'stitch' as exit");
      origin = { parent: Number(o[1]), exit: o[2] === 'stitch' ? 'stitch' : Number(o[2]) };
      pos += o[0].length;
    }
    const rest = text.slice(pos, end);
    const separator = head[1] === '---' ? ' -- ' : ' ';
    const loc = new RegExp(`^(.+?):(\\d+)${separator}`).exec(rest);
    if (!loc) return fail(pos, `expected the start location 'file:line' followed by '${separator}'`);
    const start = { file: loc[1], line: Number(loc[2]) };
    const tail = rest.slice(loc[0].length);
    const tailIndex = pos + loc[0].length;
    if (head[1] === '---') {
      if (tail === '') return fail(tailIndex, 'expected the abort reason');
      const cut = tail.lastIndexOf(' at ');
      const at = cut > 0 ? LOCATION.exec(tail.slice(cut + 4)) : null;
      entry = at
        ? { kind: 'abort', origin, start, reason: tail.slice(0, cut), at: { file: at[1], line: Number(at[2]) } }
        : { kind: 'abort', origin, start, reason: tail, at: null };
    } else {
      const link = parseLink(tail);
      if (!link) {
        const names = NAMED_LINKS.join(', ');
        return fail(tailIndex, `unknown link '${tail}': expected ${names}, '-> N', 'stitch <callee>' or '${INTERPRETER_SUFFIX}'`);
      }
      entry = { kind: 'trace', trace: Number(head[1]), origin, start, link };
    }
  }
  const printed = formatJvLine(entry);
  if (printed !== text) {
    let i = 0;
    while (printed[i] === text[i]) i++;
    fail(i, `not in -jv's exact format: v.lua prints this line as '${printed}'`);
  }
  return entry;
}

/**
 * Parses a whole log. Lines starting with `[TRACE` must be trace lines (else JvLogError located at
 * `file:line:col`); all other lines are program output and are kept apart in `other`.
 */
export function parseJvLog(text: string, file: string): JvLog {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const traces: { line: number; entry: JvEntry }[] = [];
  const other: { line: number; text: string }[] = [];
  lines.forEach((line, i) => {
    if (line.startsWith('[TRACE')) traces.push({ line: i + 1, entry: parseJvLine(line, `${file}:${i + 1}`) });
    else other.push({ line: i + 1, text: line });
  });
  return { file, traces, other };
}
