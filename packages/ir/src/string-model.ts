// The reference model of strings and string buffers for BUFHDR, BUFPUT, BUFSTR and TOSTR (the
// lj_buf_reset, lj_buf_putstr, lj_buf_tostr and lj_strfmt_num/int calls LuaJIT's backend makes):
// a string is known by its TValue, whose handle derives from its text as a KGC constant's does
// (`"text"`), so equal texts are one interned string; a buffer is the text put into the SBuf at
// a pointer since its last reset; FLOAD str.len reads a known string's length. The reference
// interpreter and the replay of compiled traces share it, so both make the same strings (the
// replay is told of each one, to write its GCstr header).
import { IrRuntimeError } from './errors';
import { formatG } from './numfmt';
import { gcValueWords, wordsToBits } from './values';
import type { TValueWords } from '@tracesim/machine';
import type { Scenario, TraceSet } from './trace';

export class StringModel {
  /** The model for a run: it knows the trace constants' strings and the scenario's. */
  static forRun(set: TraceSet, scenario: Scenario, interned?: (words: TValueWords, text: string) => void): StringModel {
    const spellings = set.traces.flatMap((t) => t.consts.flatMap((k) => (k.op === 'KGC' && k.type === 'str' ? [k.text] : [])));
    for (const s of scenario.slots) if (s.value.kind === 'gc' && s.value.type === 'str') spellings.push(s.value.text);
    return new StringModel(spellings, interned);
  }

  private readonly texts = new Map<bigint, string>();
  private readonly buffers = new Map<bigint, string>();

  /** `known`: the KGC spellings (`"text"`) of the strings a run starts with; `interned` is told of every string the model knows, once. */
  constructor(
    known: Iterable<string> = [],
    private readonly interned?: (words: TValueWords, text: string) => void,
  ) {
    for (const spelling of known) if (spelling.length >= 2 && spelling.startsWith('"') && spelling.endsWith('"')) this.intern(spelling.slice(1, -1));
  }

  /** The string with this text. */
  intern(text: string): TValueWords {
    const words = gcValueWords('str', `"${text}"`);
    const bits = wordsToBits(words);
    if (!this.texts.has(bits)) {
      this.texts.set(bits, text);
      this.interned?.(words, text);
    }
    return words;
  }

  /** FLOAD str.len: the length of the known string `str` (its TValue bits). */
  length(str: bigint, where: string): number {
    const text = this.texts.get(str);
    if (text === undefined) throw new IrRuntimeError(where, `FLOAD str.len of a value that is no known string (0x${str.toString(16)})`);
    return text.length;
  }

  /** lj_buf_reset: the buffer at `buffer` is empty. */
  reset(buffer: bigint): bigint {
    this.buffers.set(buffer, '');
    return buffer;
  }

  /** lj_buf_putstr: appends the string `str` (its TValue bits). */
  put(buffer: bigint, str: bigint, where: string): bigint {
    const text = this.texts.get(str);
    const held = this.buffers.get(buffer);
    if (text === undefined) throw new IrRuntimeError(where, `BUFPUT of a value that is no known string (0x${str.toString(16)})`);
    if (held === undefined) throw new IrRuntimeError(where, `BUFPUT into a buffer no BUFHDR reset (0x${buffer.toString(16)})`);
    this.buffers.set(buffer, held + text);
    return buffer;
  }

  /** lj_buf_tostr: the buffer's text as a string. */
  toString(buffer: bigint, where: string): TValueWords {
    const held = this.buffers.get(buffer);
    if (held === undefined) throw new IrRuntimeError(where, `BUFSTR of a buffer no BUFHDR reset (0x${buffer.toString(16)})`);
    return this.intern(held);
  }

  /** lj_strfmt_num: a number as tostring spells it (%.14g). */
  fromNumber(x: number): TValueWords {
    const g = formatG(x, 14);
    return this.intern(g.startsWith('+') ? g.slice(1) : g);
  }

  /** lj_strfmt_int. */
  fromInt(i: number): TValueWords {
    return this.intern(String(i | 0));
  }
}
