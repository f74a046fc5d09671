// Concrete instruction forms: FORMS rows expanded per operand size and with their `enc`
// strings parsed into prefixes, REX.W/VEX, opcode map and byte, and ModRM use. A form's
// index in INSTRUCTION_FORMS is the `formId` of instructions of that form.
import { conditionName } from './conditions';
import { FORMS, type FormRow, type OperandPattern } from './form-table';

/** An operand kind of a concrete form: the row patterns without the size-generic `v` kinds. */
export type OperandKind = Exclude<OperandPattern, 'rv' | 'ov' | 'rmv' | 'accv' | 'immv'>;

export interface VexSpec {
  /** Implied mandatory prefix: 0 none, 1 = 66, 2 = F3, 3 = F2. */
  readonly pp: number;
}

export interface Form {
  readonly id: number;
  /** The mnemonic as objdump prints it; for condition families, the stem (j, set, cmov). */
  readonly mnemonic: string;
  /** The names the parser and encoder accept for this form (mnemonic first). */
  readonly names: readonly string[];
  readonly operands: readonly OperandKind[];
  /** Legacy prefix bytes in order (66, F2, F3, 2E). */
  readonly prefixes: readonly number[];
  readonly rexW: boolean;
  readonly vex?: VexSpec;
  /** Opcode map: 0 one-byte, 1 = 0F, 2 = 0F 38, 3 = 0F 3A. */
  readonly map: 0 | 1 | 2 | 3;
  readonly opcode: number;
  /** The opcode's low bits carry a register (`+r`) or a condition (`+cc`). */
  readonly opcodeAdds?: 'r' | 'cc';
  /** ModRM use: 'r' = reg field is an operand, a number = the /digit opcode extension. */
  readonly modrm?: 'r' | number;
  readonly notAccumulator: boolean;
  readonly prefixText?: string;
  /** The width immediates are sign-extended to (the first GPR operand's width, else 64). */
  readonly operationWidth: 8 | 16 | 32 | 64;
}

const LEGACY_PREFIXES = new Set([0x66, 0xf2, 0xf3, 0x2e]);
const VEX_PP: Record<string, number> = { '': 0, '66': 1, F3: 2, F2: 3 };
const VEX_MAP: Record<string, 1 | 2 | 3> = { '0F': 1, '0F38': 2, '0F3A': 3 };

type Size = 16 | 32 | 64;

function concreteKind(pattern: OperandPattern, size: Size): OperandKind {
  switch (pattern) {
    case 'rv': return `r${size}`;
    case 'ov': return `o${size}`;
    case 'rmv': return `rm${size}`;
    case 'accv': return ({ 16: 'ax', 32: 'eax', 64: 'rax' } as const)[size];
    case 'immv': return size === 16 ? 'imm16' : 'imm32';
    default: return pattern;
  }
}

const GPR_KIND_WIDTH: Partial<Record<OperandKind, 8 | 16 | 32 | 64>> = {
  r8: 8, r16: 16, r32: 32, r64: 64, o8: 8, o16: 16, o32: 32, o64: 64,
  rm8: 8, rm16: 16, rm32: 32, rm64: 64, al: 8, ax: 16, eax: 32, rax: 64,
};

/** The GPR width of an operand kind (register or r/m), or undefined for other kinds. */
export function gprKindWidth(kind: OperandKind): 8 | 16 | 32 | 64 | undefined {
  return GPR_KIND_WIDTH[kind];
}

function parseEncoding(enc: string): Pick<Form, 'prefixes' | 'rexW' | 'vex' | 'map' | 'opcode' | 'opcodeAdds' | 'modrm'> {
  const prefixes: number[] = [];
  let rexW = false;
  let vex: VexSpec | undefined;
  let map: 0 | 1 | 2 | 3 = 0;
  const opcodeBytes: string[] = [];
  let modrm: 'r' | number | undefined;
  for (const token of enc.split(' ')) {
    if (token === 'REX.W') rexW = true;
    else if (token.startsWith('VEX.')) {
      const [, , pp, vexMap, w] = token.split('.');
      vex = { pp: VEX_PP[pp] };
      map = VEX_MAP[vexMap];
      rexW = w === 'W1';
    } else if (token === '/r') modrm = 'r';
    else if (/^\/[0-7]$/.test(token)) modrm = Number(token.slice(1));
    else if (opcodeBytes.length === 0 && !vex && LEGACY_PREFIXES.has(parseInt(token, 16)) && token.length === 2) {
      prefixes.push(parseInt(token, 16));
    } else opcodeBytes.push(token);
  }
  if (!vex) {
    if (opcodeBytes[0] === '0F' && opcodeBytes.length > 1) {
      const second = opcodeBytes[1];
      map = second === '38' ? 2 : second === '3A' ? 3 : 1;
      opcodeBytes.splice(0, map === 1 ? 1 : 2);
    }
  }
  if (opcodeBytes.length !== 1) throw new Error(`form table: cannot parse encoding '${enc}'`);
  const [hex, adds] = opcodeBytes[0].split('+');
  return { prefixes, rexW, vex, map, opcode: parseInt(hex, 16), opcodeAdds: adds as 'r' | 'cc' | undefined, modrm };
}

function expandRow(row: FormRow): Omit<Form, 'id'>[] {
  const generic = row.ops.some((p) => p.endsWith('v'));
  const sizes: readonly (Size | undefined)[] = generic ? row.sizes ?? [16, 32, 64] : [undefined];
  const encoding = parseEncoding(row.enc);
  return sizes.map((size) => {
    const operands = row.ops.map((p) => (size ? concreteKind(p, size) : (p as OperandKind)));
    const firstGpr = operands.map(gprKindWidth).find((w) => w !== undefined);
    return {
      ...encoding,
      prefixes: size === 16 ? [0x66, ...encoding.prefixes] : encoding.prefixes,
      rexW: encoding.rexW || size === 64,
      mnemonic: row.mn,
      names: row.asmName ? [row.mn, row.asmName] : [row.mn],
      operands,
      notAccumulator: row.notAccumulator ?? false,
      prefixText: row.prefixText,
      operationWidth: firstGpr ?? 64,
    };
  });
}

const ROWS: readonly FormRow[] = FORMS;

/** Every concrete form, indexed by formId. */
export const INSTRUCTION_FORMS: readonly Form[] = ROWS.flatMap(expandRow).map((f, id) => ({ ...f, id }));

/** Whether `form` is a condition-code family (jcc, setcc, cmovcc). */
export function isConditionFamily(form: Form): boolean {
  return form.opcodeAdds === 'cc';
}

/** The mnemonic an instruction of `form` prints with (the condition spelled in for jcc/setcc/cmovcc). */
export function formMnemonic(form: Form, cond: number | undefined): string {
  return isConditionFamily(form) ? form.mnemonic + conditionName(cond ?? 0) : form.mnemonic;
}
