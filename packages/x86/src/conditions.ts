// The 16 condition codes of jcc/setcc/cmovcc: objdump's spelling first, then the other
// spellings the parser accepts (LuaJIT's dis_x64 prints jz, jnz, jnb, jnbe, setnz, ...).
export const CONDITIONS = [
  { name: 'o', aliases: [] },
  { name: 'no', aliases: [] },
  { name: 'b', aliases: ['c', 'nae'] },
  { name: 'ae', aliases: ['nb', 'nc'] },
  { name: 'e', aliases: ['z'] },
  { name: 'ne', aliases: ['nz'] },
  { name: 'be', aliases: ['na'] },
  { name: 'a', aliases: ['nbe'] },
  { name: 's', aliases: [] },
  { name: 'ns', aliases: [] },
  { name: 'p', aliases: ['pe'] },
  { name: 'np', aliases: ['po'] },
  { name: 'l', aliases: ['nge'] },
  { name: 'ge', aliases: ['nl'] },
  { name: 'le', aliases: ['ng'] },
  { name: 'g', aliases: ['nle'] },
] as const;

export function conditionName(cond: number): string {
  return CONDITIONS[cond].name;
}
