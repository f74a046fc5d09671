// The block translator: decodes a basic block at an address (up to a control transfer, a
// boundary address such as a trap or a trace start, or the size limit), works out which
// flags each instruction must really compute (flags overwritten before any read are
// skipped) and compiles the block into one JavaScript function over the CPU's typed
// arrays. Undecodable bytes and unexecutable instructions become a block that faults
// when reached.
import { decode, DecodeError, type Instruction } from '@tracesim/x86';
import { Emitter } from './emit';
import { CONDITION_READS, familyOf, flagEffect, flagMask } from './flag-effects';
import { InvalidOpcodeFault, PageFault } from './faults';
import type { Memory } from './memory';
import { INTEGER_SEMANTICS } from './sem-integer';
import { SSE_SEMANTICS } from './sem-sse';
import { CONTROL_SEMANTICS, ENDS_BLOCK } from './sem-control';

type Gen = (e: Emitter, ins: Instruction) => void;
const SEMANTICS: Readonly<Record<string, Gen>> = { ...INTEGER_SEMANTICS, ...SSE_SEMANTICS, ...CONTROL_SEMANTICS };

/** The compiled body of a block: runs it and returns the next rip. */
export type BlockFunction = (
  C: unknown, R: Int32Array, F: Int32Array, X: Int32Array, XD: Float64Array, M: Memory, H: unknown,
) => number;

export interface Block {
  readonly address: number;
  /** Address just past the last instruction. */
  readonly end: number;
  readonly instructions: readonly Instruction[];
  readonly run: BlockFunction;
  /** False once its bytes were overwritten. */
  valid: boolean;
  /** The monitor wants to see every arrival here (a trace start). */
  watchedEntry: boolean;
  /** Successor cache for block chaining (two most recent targets). */
  chainAddress0: number;
  chain0: Block | undefined;
  chainAddress1: number;
  chain1: Block | undefined;
}

export interface TranslateOptions {
  readonly maxInstructions: number;
  /** Addresses a block must not run through (traps, trace starts). */
  readonly isBoundary: (address: number) => boolean;
  readonly watchRsp: boolean;
}

const MAX_INSTRUCTION_BYTES = 15;
const ALL_FLAGS = flagMask('CPAZSO');

/** Decodes one instruction at `address`; faults as the CPU would (#PF on fetch, #UD). */
export function fetchInstruction(memory: Memory, address: number): Instruction {
  const bytes = memory.fetch(address, MAX_INSTRUCTION_BYTES);
  try {
    const ins = decode(bytes, 0, address);
    if (!SEMANTICS[familyOf(ins)]) throw new InvalidOpcodeFault(bytes.slice(0, ins.length), `${ins.mnemonic} is not executable`);
    return ins;
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    if (bytes.length < MAX_INSTRUCTION_BYTES && /truncated/.test(err.message)) {
      throw new PageFault(address + bytes.length, 'fetch', memory.isMapped(address + bytes.length) ? 'not executable' : 'not mapped');
    }
    throw new InvalidOpcodeFault(err.bytes, err.message);
  }
}

export function translate(memory: Memory, address: number, options: TranslateOptions): Block {
  const instructions: Instruction[] = [];
  let at = address;
  let failure: unknown;
  while (instructions.length < options.maxInstructions) {
    if (instructions.length > 0 && options.isBoundary(at)) break;
    let ins: Instruction;
    try {
      ins = fetchInstruction(memory, at);
    } catch (err) {
      failure = err; // raised only if execution reaches it
      break;
    }
    instructions.push(ins);
    at += ins.length;
    if (ENDS_BLOCK.has(familyOf(ins))) break;
  }
  const run = instructions.length === 0 ? faultingFunction(failure) : compile(instructions, options.watchRsp);
  return {
    address, end: at, instructions, run, valid: true, watchedEntry: false,
    chainAddress0: -1, chain0: undefined, chainAddress1: -1, chain1: undefined,
  };
}

/** For each instruction, the mask of flags read later in the block or after it. */
function liveFlagsAfter(instructions: readonly Instruction[]): number[] {
  const live: number[] = new Array(instructions.length);
  let mask = ALL_FLAGS;
  for (let i = instructions.length - 1; i >= 0; i--) {
    live[i] = mask;
    const ins = instructions[i];
    const effect = flagEffect(ins);
    if (!effect.conditional) mask &= ~flagMask(effect.defines + effect.undefines);
    mask |= flagMask(ins.cond !== undefined ? CONDITION_READS[ins.cond] : effect.reads);
  }
  return live;
}

function compile(instructions: readonly Instruction[], watchRsp: boolean): BlockFunction {
  const live = liveFlagsAfter(instructions);
  const e = new Emitter(instructions[0], live[0], watchRsp);
  instructions.forEach((ins, i) => {
    e.startInstruction(ins, live[i]);
    SEMANTICS[familyOf(ins)](e, ins);
  });
  const last = instructions[instructions.length - 1];
  if (!ENDS_BLOCK.has(familyOf(last))) e.line(`return ${last.address + last.length};`);
  return new Function('C', 'R', 'F', 'X', 'XD', 'M', 'H', `'use strict';\n${e.source()}`) as BlockFunction;
}

function faultingFunction(failure: unknown): BlockFunction {
  return () => {
    throw failure;
  };
}
