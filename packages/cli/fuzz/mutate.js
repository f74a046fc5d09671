// Token- and line-level mutations for the CLI fuzz harness, as fast-check arbitraries: a
// mutation is plain data (kind, positions, replacement) applied to a seed text, so every
// generated case is reproducible from the harness seed alone.
const fc = require('fast-check');

/** Lua's lexical classes, longest first; whatever matches none is a one-character token. */
const LUA_TOKEN = /--\[(=*)\[[\s\S]*?\]\1\]|--[^\n]*|\[(=*)\[[\s\S]*?\]\2\]|"(?:\\[\s\S]|[^"\\\n])*"|'(?:\\[\s\S]|[^'\\\n])*'|0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|\.\.\.|\.\.|==|~=|<=|>=|\s+|[\s\S]/g;

/** Trace files, -jdump text and assembly: numbers, words, single punctuation. */
const TEXT_TOKEN = /0[xX][0-9a-fA-F]+|[-+]?\d+(?:\.\d+)?|\w+|\s+|[\s\S]/g;

/** Tokens a mutation may insert into Lua: every keyword, operator and some hostile values. */
const LUA_POOL = [
  'and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'if', 'in', 'local', 'nil', 'not', 'or',
  'repeat', 'return', 'then', 'true', 'until', 'while',
  '+', '-', '*', '/', '%', '^', '#', '==', '~=', '<=', '>=', '<', '>', '=', '(', ')', '{', '}', '[', ']', ';', ':', ',', '.', '..', '...',
  '0', '1', '-1', '2^53', '1e308', '-0', '0/0', '1/0', '0x7fffffff', '0xffffffffffffffff', '3.5', '1e-310',
  '""', '"x"', '"\\0"', '"%d"', '"%"', '"(%w+)"', "'\\255'", '[[long]]',
  'x', 'i', 't', 's', 'self', '_G', 'arg', 'print', 'string', 'table', 'math', 'coroutine', 'jit', 'bit',
  'pcall', 'error', 'assert', 'setmetatable', 'getmetatable', 'select', 'unpack', 'tostring', 'tonumber',
  'loadstring', 'ipairs', 'pairs', 'next', 'rawset', 'rawget', 'collectgarbage', 'type', 'string.rep', 'string.format',
  'string.sub', 'string.byte', 'string.char', 'table.insert', 'table.concat', 'math.floor', 'coroutine.wrap',
  'function() end', '{}', '{1,2,3}', 's..s', 'while true do end', 'for i=1,1e9 do end', 'x=x', 'return',
  'setmetatable({}, {__index=function(t,k) return k end})', 'string.rep("x", 1e6)', 'jit.off()', 'jit.flush()',
];

/** Same-class replacements: they keep a program parsing, so its run reaches the JIT. */
const LUA_CLASSES = [
  { test: /^(0[xX][0-9a-fA-F]+|\d|\.\d)/, pool: ['0', '1', '2', '-1', '7', '100', '0.5', '-0', '2^31', '2^53', '1e308', '0x7fffffff', '1e-310', '(0/0)', '(1/0)', '1e3'] },
  { test: /^["']/, pool: ['""', '"a"', '"10"', '"0x10"', '" 5 "', '"%d"', '"%s%s"', '"\\0"', '"abc"', '"1e400"'] },
  { test: /^(\+|-|\*|\/|%|\^|\.\.|==|~=|<=|>=|<|>)$/, pool: ['+', '-', '*', '/', '%', '^', '..', '==', '~=', '<=', '>=', '<', '>'] },
  { test: /^(true|false|nil)$/, pool: ['true', 'false', 'nil'] },
  { test: /^(and|or)$/, pool: ['and', 'or'] },
];
const LUA_KEYWORDS = new Set(LUA_POOL.slice(0, 21));
const LUA_NAMES = ['x', 'i', 't', 's', 'n', 'k', 'v', 'print', 'tostring', 'type', 'math', 'string', 'self', '_G'];

/** A token of the same lexical class as `token` (`pick` chooses), or the token itself. */
function sameClass(token, pick) {
  const cls = LUA_CLASSES.find((c) => c.test.test(token));
  if (cls) return cls.pool[pick % cls.pool.length];
  if (/^[A-Za-z_]\w*$/.test(token) && !LUA_KEYWORDS.has(token)) return LUA_NAMES[pick % LUA_NAMES.length];
  return token;
}

/** A number of the same base as `token` (`pick` chooses): trace files and dumps still parse. */
function renumber(token, pick) {
  if (/^0[xX][0-9a-fA-F]+$/.test(token)) return `0x${['0', '1', '8', '10', '7f', '80', 'ff', '100', 'fff8', '7fffffff', 'ffffffff'][pick % 11]}`;
  if (/^0\d+$/.test(token)) return String([0, 1, 2, 3, 7, 8, 9, 15, 16, 99][pick % 10]).padStart(token.length, '0');
  if (/^[-+]?\d+$/.test(token)) return String([0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 64, 255, -1, -8, 1000][pick % 15]);
  return token;
}

/** Tokens a mutation may insert into trace files, dumps and assembly. */
const TEXT_POOL = [
  '0', '1', '-1', '255', '256', '65535', '4294967296', '-2147483648', '0x7fffffffffffffff', '0xffffffff', '1e309',
  '99999999999999999999', '---- TRACE', '---- SCENARIO', 'mcode', 'IR', 'SNAP', '#0', 'rsp', 'rax', 'r14', 'xmm7',
  'int', 'num', 'tab', 'str', 'nil', 'LOOP', 'PHI', 'SLOAD', 'EQ', 'ADD', 'CALLN', 'RETF', 'jmp', 'call', 'ret',
  'mov', '[', ']', '+', '-', '>', '(', ')', ':', ',', '=', '|', '\n', '\t', ' ', 'exit', 'link', 'enter', 'stop', '\u00ff',
];

function tokenize(text, pattern) {
  return text.match(pattern) ?? [];
}

/** Indices of tokens that are not whitespace (mutations move words, not layout). */
function solidIndices(tokens) {
  const out = [];
  tokens.forEach((t, i) => { if (!/^\s+$/.test(t)) out.push(i); });
  return out;
}

/** One token edit; `at` and `other` are reduced modulo the token count when applied. */
function tokenEdit(pool, kinds = ['delete', 'duplicate', 'swap', 'replace', 'insert']) {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    at: fc.nat(),
    other: fc.nat(),
    token: fc.oneof(fc.constantFrom(...pool), fc.string({ maxLength: 6 })),
  });
}

/** One line edit for line-structured text (trace files, dumps). */
const lineEdit = fc.record({
  kind: fc.constantFrom('delete', 'duplicate', 'swap', 'truncate'),
  at: fc.nat(),
  other: fc.nat(),
});

function applyTokenEdit(tokens, edit) {
  if (edit.kind === 'renumber') {
    const numbers = tokens.flatMap((t, i) => (/^([-+]?\d+|0[xX][0-9a-fA-F]+)$/.test(t) ? [i] : []));
    if (numbers.length === 0) return tokens;
    const out = tokens.slice();
    const i = numbers[edit.at % numbers.length];
    out[i] = renumber(out[i], edit.other);
    return out;
  }
  const solid = solidIndices(tokens);
  if (solid.length === 0) return [edit.token, ...tokens];
  const i = solid[edit.at % solid.length];
  const j = solid[edit.other % solid.length];
  const out = tokens.slice();
  switch (edit.kind) {
    case 'delete': out.splice(i, 1); break;
    case 'duplicate': out.splice(i, 0, out[i], ' '); break;
    case 'swap': [out[i], out[j]] = [out[j], out[i]]; break;
    case 'replace': out[i] = edit.token; break;
    case 'insert': out.splice(i, 0, edit.token, ' '); break;
    case 'same-class': out[i] = sameClass(out[i], edit.other); break;
  }
  return out;
}

function applyLineEdit(text, edit) {
  const lines = text.split('\n');
  const i = edit.at % lines.length;
  const j = edit.other % lines.length;
  switch (edit.kind) {
    case 'delete': lines.splice(i, 1); break;
    case 'duplicate': lines.splice(i, 0, lines[i]); break;
    case 'swap': [lines[i], lines[j]] = [lines[j], lines[i]]; break;
    case 'truncate': return text.slice(0, (edit.at * 7919) % (text.length + 1));
  }
  return lines.join('\n');
}

/**
 * A seed program changed either gently (same-class token swaps, which mostly still parse and
 * so reach the JIT) or roughly (deletions, duplications, moves and hostile insertions).
 */
function mutatedLua(seeds) {
  const edits = fc.oneof(
    fc.array(tokenEdit(LUA_POOL, ['same-class']), { minLength: 1, maxLength: 3 }),
    fc.array(tokenEdit(LUA_POOL), { minLength: 1, maxLength: 2 }),
  );
  return fc.tuple(fc.constantFrom(...seeds), edits)
    .map(([seed, list]) => list.reduce(applyTokenEdit, tokenize(seed.text, LUA_TOKEN)).join(''));
}

/**
 * A seed text changed gently (one to three numbers changed, so it mostly still parses and
 * reaches the replay engine or the lint's path walk) or roughly (line and token edits).
 */
function mutatedText(seeds) {
  const rough = fc.tuple(fc.array(lineEdit, { maxLength: 3 }), fc.array(tokenEdit(TEXT_POOL), { maxLength: 3 }));
  const gentle = fc.tuple(fc.constant([]), fc.array(tokenEdit(TEXT_POOL, ['renumber']), { minLength: 1, maxLength: 3 }));
  return fc.tuple(fc.constantFrom(...seeds), fc.oneof(gentle, rough)).map(([seed, [lineEdits, tokenEdits]]) => {
    const text = lineEdits.reduce(applyLineEdit, seed.text);
    return tokenEdits.reduce(applyTokenEdit, tokenize(text, TEXT_TOKEN)).join('');
  });
}

/** Lua made of random pool tokens: syntax nobody wrote. */
const randomLua = fc.array(fc.constantFrom(...LUA_POOL), { maxLength: 40 }).map((tokens) => tokens.join(' '));

/** Arbitrary bytes as text, read by a command as latin1 or UTF-8. */
const junkText = fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1'));

module.exports = { mutatedLua, mutatedText, randomLua, junkText, LUA_TOKEN, TEXT_TOKEN };
