// Public API of @tracesim/x86: registers, the instruction-form table, encoder, decoder,
// Intel-syntax printer and parser.
export * from './operands';
export {
  GPR64_NAMES, GPR32_NAMES, GPR16_NAMES, GPR8_NAMES, HIGH8_NAMES, XMM_NAMES,
  registerByName, gprName, xmmName, needsRex,
  type GprName, type XmmName,
} from './registers';
export { CONDITIONS, conditionName } from './conditions';
export { FORMS, type FormRow, type OperandPattern } from './form-table';
export { INSTRUCTION_FORMS, formMnemonic, isConditionFamily, type Form, type OperandKind } from './forms';
export { encode, resolveInstruction, resolveShared, type InstructionInput, type EncodeOptions } from './encoder';
export { decode, decodeAll } from './decoder';
export { formatInstruction, formatOperand } from './printer';
export { parseInstruction, parseInstructionText, type ParseOptions } from './parser';
export { assemble, type AssembleOptions } from './assembler';
export { nopInstruction } from './nops';
export { DecodeError, ParseError, EncodeError } from './errors';
