// The typed errors of the x86 package. Each carries a `location` a user can act on.

/** Bytes that are not an instruction of the form table (or use an unsupported prefix). */
export class DecodeError extends Error {
  readonly location: string;
  constructor(message: string, readonly offset: number, readonly bytes: Uint8Array) {
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    super(message);
    this.name = 'DecodeError';
    this.location = `offset 0x${offset.toString(16)} (bytes ${hex})`;
  }
}

/** Text that is not an instruction tracesim can assemble; `location` is `line L col C`. */
export class ParseError extends Error {
  readonly location: string;
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = 'ParseError';
    this.location = `line ${line} col ${column}`;
  }
}

/** An instruction with no encoding (no matching form, operand out of range, ah with REX). */
export class EncodeError extends Error {
  readonly location: string;
  constructor(message: string, instructionText: string) {
    super(message);
    this.name = 'EncodeError';
    this.location = `instruction '${instructionText}'`;
  }
}
