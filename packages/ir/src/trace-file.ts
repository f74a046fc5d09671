// Trace files: a sequence of traces in the -jdump text (start line, IR with snapshots and the
// register column, stop line) followed by a `---- SCENARIO` section. Parsing gives a typed
// TraceSet; printing gives the canonical text back (round trip). Blank lines and `;` comment
// lines are allowed between sections and are not kept.

import { IrParseError, textLocation } from './errors';
import { printTrace } from './dump-print';
import { splitLines, START_LINE, TraceBlockReader, type SourceLine } from './dump-parse';
import type { LuaValue, ReturnSite, Scenario, TableSizes, Trace, TraceSet } from './trace';
import { formatLuaValue, parseLuaValue } from './values';

export const SCENARIO_HEADER = '---- SCENARIO';

export const SCENARIO_DEFAULTS = { stackSlots: 256, base: 2, times: 1, budget: 100000 } as const;

function isSkippable(text: string): boolean {
  return text.trim() === '' || text.startsWith(';');
}

export function parseTraceFile(text: string, file?: string): TraceSet {
  const lines = splitLines(text);
  const reader = new TraceBlockReader(lines, file);
  const traces: Trace[] = [];
  let i = 0;
  while (i < lines.length) {
    const src = lines[i];
    if (isSkippable(src.text)) i++;
    else if (START_LINE.test(src.text)) {
      const { trace, next } = reader.read(i);
      traces.push(trace);
      i = next;
    } else if (src.text === SCENARIO_HEADER) {
      return { traces, ...parseScenario(lines.slice(i + 1), file, src) };
    } else {
      throw new IrParseError(textLocation(file, src.line, 1), `expected \`---- TRACE N start ...\` or \`${SCENARIO_HEADER}\`, got \`${src.text.slice(0, 40)}\``);
    }
  }
  return { traces, returnSites: [] };
}

function parseScenario(lines: readonly SourceLine[], file: string | undefined, header: SourceLine): { scenario: Scenario; returnSites: ReturnSite[] } {
  const slots: { slot: number; value: ReturnType<typeof parseLuaValue> & object }[] = [];
  const returnSites: ReturnSite[] = [];
  const tables: TableSizes[] = [];
  const fields: { stackSlots?: number; base?: number; enter?: number; times?: number; budget?: number; until?: { trace: number; exit: number } } = {};
  for (const src of lines) {
    const t = src.text;
    if (isSkippable(t)) continue;
    const err = (col: number, message: string): never => {
      throw new IrParseError(textLocation(file, src.line, col), message);
    };
    let m: RegExpExecArray | null;
    if ((m = /^(stack|base|enter|times|budget) (\d+)$/.exec(t))) {
      const key = ({ stack: 'stackSlots', base: 'base', enter: 'enter', times: 'times', budget: 'budget' } as const)[m[1] as 'stack'];
      fields[key] = Number(m[2]);
    } else if ((m = /^until (\d+)\/(\d+)$/.exec(t))) {
      fields.until = { trace: Number(m[1]), exit: Number(m[2]) };
    } else if ((m = /^slot #(-?\d+) = (.*)$/.exec(t))) {
      const value = parseLuaValue(m[2]);
      if (!value) err(t.indexOf('=') + 3, `\`${m[2]}\` is not a value; expected nil, false, true, a number, \`str "text"\`, \`fun name\`, \`tab {0x..}\` or \`raw 0xHEX\``);
      slots.push({ slot: Number(m[1]), value: value! });
    } else if ((m = /^retpc \[0x([0-9a-f]+)\] delta (\d+)$/.exec(t))) {
      returnSites.push({ pc: BigInt('0x' + m[1]), delta: Number(m[2]) });
    } else if ((m = /^table \{0x([0-9a-f]+)\} asize (\d+) hmask (\d+)(?: array 0x([0-9a-f]+))?(?: node 0x([0-9a-f]+))?(?: meta \{0x([0-9a-f]+)\})?$/.exec(t))) {
      const [asize, hmask] = [Number(m[2]), Number(m[3])];
      const nils = (n: number) => Array.from({ length: n }, (): LuaValue => ({ kind: 'nil' }));
      const array = m[4] === undefined ? {} : { array: { address: Number.parseInt(m[4], 16), slots: nils(asize) } };
      const node = m[5] === undefined ? {} : { node: { address: Number.parseInt(m[5], 16), keys: nils(hmask + 1), values: nils(hmask + 1) } };
      if (m[4] !== undefined && asize === 0) err(t.indexOf(' array') + 2, 'a table with asize 0 has no array part');
      if (m[5] !== undefined && hmask === 0) err(t.indexOf(' node') + 2, 'a table with hmask 0 has no hash part');
      tables.push({ handle: Number.parseInt(m[1], 16), asize, hmask, ...array, ...node, ...(m[6] === undefined ? {} : { meta: Number.parseInt(m[6], 16) }) });
    } else if ((m = /^table \{0x([0-9a-f]+)\} (key |node )?\[(\d+)\] = (.*)$/.exec(t))) {
      const handle = Number.parseInt(m[1], 16);
      const table = tables.find((x) => x.handle === handle);
      const part = m[2] === undefined ? table?.array : table?.node;
      const what = m[2] === undefined ? ['array', 'slot', 'array part', 'asize', table?.asize] : ['node', m[2] === 'key ' ? 'key' : 'value', 'hash part', 'hmask', table?.hmask];
      if (!part) err(1, `table {0x${m[1]}} has no \`${what[0]} 0xHEX\` on a line before this ${what[1]}`);
      const index = Number(m[3]);
      const slots = 'slots' in part! ? part.slots : m[2] === 'key ' ? part!.keys : part!.values;
      if (index >= slots.length) err(t.indexOf('[') + 2, `[${index}] is past the ${what[2]} of table {0x${m[1]}} (${what[3]} ${what[4]})`);
      const value = parseLuaValue(m[4]);
      if (!value) err(t.indexOf('=') + 3, `\`${m[4]}\` is not a value`);
      (slots as LuaValue[])[index] = value!;
    } else {
      err(1, 'expected a scenario line: `stack N`, `base N`, `slot #N = value`, `table {0xHEX} asize N hmask N [array 0xHEX] [node 0xHEX] [meta {0xHEX}]`, `table {0xHEX} [K] = value`, `table {0xHEX} key [K] = value`, `table {0xHEX} node [K] = value`, `retpc [0xHEX] delta N`, `enter N`, `times N`, `until T/E` or `budget N`');
    }
  }
  if (fields.enter === undefined) throw new IrParseError(textLocation(file, header.line, 1), 'the scenario needs `enter N` (the trace to enter)');
  const scenario: Scenario = {
    stackSlots: fields.stackSlots ?? SCENARIO_DEFAULTS.stackSlots,
    base: fields.base ?? SCENARIO_DEFAULTS.base,
    slots,
    enter: fields.enter,
    times: fields.times ?? SCENARIO_DEFAULTS.times,
    ...(fields.until ? { until: fields.until } : {}),
    budget: fields.budget ?? SCENARIO_DEFAULTS.budget,
    ...(tables.length > 0 ? { tables } : {}),
  };
  return { scenario, returnSites };
}

export function printTraceFile(set: TraceSet): string {
  const parts = set.traces.map((t) => printTrace(t));
  const sc = set.scenario;
  if (sc) {
    const lines = [SCENARIO_HEADER, `stack ${sc.stackSlots}`, `base ${sc.base}`];
    for (const s of sc.slots) lines.push(`slot #${s.slot} = ${formatLuaValue(s.value)}`);
    for (const t of sc.tables ?? []) {
      const handle = `{0x${t.handle.toString(16)}}`;
      const parts = `${t.array ? ` array 0x${t.array.address.toString(16)}` : ''}${t.node ? ` node 0x${t.node.address.toString(16)}` : ''}${t.meta === undefined ? '' : ` meta {0x${t.meta.toString(16)}}`}`;
      lines.push(`table ${handle} asize ${t.asize} hmask ${t.hmask}${parts}`);
      t.array?.slots.forEach((v, k) => v.kind !== 'nil' && lines.push(`table ${handle} [${k}] = ${formatLuaValue(v)}`));
      t.node?.keys.forEach((v, k) => v.kind !== 'nil' && lines.push(`table ${handle} key [${k}] = ${formatLuaValue(v)}`));
      t.node?.values.forEach((v, k) => v.kind !== 'nil' && lines.push(`table ${handle} node [${k}] = ${formatLuaValue(v)}`));
    }
    for (const r of set.returnSites) lines.push(`retpc [0x${r.pc.toString(16)}] delta ${r.delta}`);
    lines.push(`enter ${sc.enter}`, `times ${sc.times}`);
    if (sc.until) lines.push(`until ${sc.until.trace}/${sc.until.exit}`);
    lines.push(`budget ${sc.budget}`);
    parts.push(lines.map((l) => l + '\n').join(''));
  }
  return parts.join('\n');
}
