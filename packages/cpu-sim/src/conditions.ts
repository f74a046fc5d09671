// The 16 x86 condition codes (0 = o ... 15 = g) as JavaScript tests over the flag slots
// of CpuState.flags (F[0] CF, F[1] PF, F[3] ZF, F[4] SF, F[5] OF).
const CONDITION_TESTS = [
  'F[5] !== 0', // o
  'F[5] === 0', // no
  'F[0] !== 0', // b
  'F[0] === 0', // ae
  'F[3] !== 0', // e
  'F[3] === 0', // ne
  '(F[0] | F[3]) !== 0', // be
  '(F[0] | F[3]) === 0', // a
  'F[4] !== 0', // s
  'F[4] === 0', // ns
  'F[1] !== 0', // p
  'F[1] === 0', // np
  'F[4] !== F[5]', // l
  'F[4] === F[5]', // ge
  '(F[3] !== 0 || F[4] !== F[5])', // le
  '(F[3] === 0 && F[4] === F[5])', // g
] as const;

export function conditionSource(cond: number): string {
  return CONDITION_TESTS[cond];
}

