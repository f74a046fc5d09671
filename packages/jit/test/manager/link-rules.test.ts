// The link-kind rules of lj_record.c / lj_ffrecord.c, one test per rule with the outcome the
// reference (§1.3, §5 Example C, §7) states; the #1169 reproducer's traces 5 and (4/stitch) under
// both policies; and an enumeration showing the policies differ only in the down-recursion rule
// for side traces.
import { JitOptions } from '@tracesim/lua';
import { seededRandom } from '@tracesim/machine';
import {
  JitRandom, LINK_POLICIES, builtinLink, compiledLoopLink, downRecursionAllowed, functionEntryLink, interpretedLoopLink,
  returnLink, stopLink, tailCallLink,
  type InterpretedLoop, type LinkDecision, type RecordingState,
} from '@tracesim/jit';

const params = new JitOptions().params; // recunroll 2, callunroll 3, loopunroll 15, minstitch 0

function root(over: Partial<RecordingState> = {}): RecordingState {
  return {
    traceNo: 1, start: { kind: 'root' }, root: 0, startOp: 'FORL', atStartPc: false,
    framedepth: 0, retdepth: 0, tailcalled: 0, loopOpt: true, policy: 'fixed', params, ...over,
  };
}
function side(over: Partial<RecordingState> = {}): RecordingState {
  return root({ traceNo: 2, start: { kind: 'side', parent: 1, exit: 0 }, root: 1, startOp: 'JMP', ...over });
}
function stitched(over: Partial<RecordingState> = {}): RecordingState {
  return root({ traceNo: 3, start: { kind: 'stitch', previous: 1 }, root: 0, startOp: 'CALL', ...over });
}
const stop = (kind: string, target: number) => ({ kind: 'stop', link: { kind, target } });
const abort = (reason: string) => ({ kind: 'abort', reason });
const inner = (over: Partial<InterpretedLoop> = {}): InterpretedLoop => ({
  event: 'enter', jump: -5, innerLoopLeft: false, nins: 40, loopref: 0, loopunroll: 15, ...over,
});

describe('lj_record_stop', () => {
  test('a side trace\'s self-link at base level goes to its root when the loop optimisation is off', () => {
    expect(stopLink(side({ loopOpt: false }), 'loop', 2)).toEqual(stop('loop', 1));
    expect(stopLink(side({ loopOpt: true }), 'loop', 2)).toEqual(stop('loop', 2));
    expect(stopLink(side({ loopOpt: false, retdepth: 1 }), 'down-recursion', 2)).toEqual(stop('down-recursion', 2));
    expect(stopLink(side({ loopOpt: false, framedepth: 1 }), 'up-recursion', 2)).toEqual(stop('up-recursion', 2));
    expect(stopLink(root({ loopOpt: false }), 'loop', 1)).toEqual(stop('loop', 1));
    expect(stopLink(side({ loopOpt: false }), 'root', 7)).toEqual(stop('root', 7));
  });
});

describe('rec_loop_interp', () => {
  test('root back at its loop op at depth 0: loop to itself, or LLEAVE when the loop is left', () => {
    expect(interpretedLoopLink(root({ atStartPc: true }), inner())).toEqual(stop('loop', 1));
    expect(interpretedLoopLink(root({ atStartPc: true }), inner({ event: 'leave' }))).toEqual(abort('LLEAVE'));
  });

  test('an ITERN root leaves loop closing to rec_itern', () => {
    expect(interpretedLoopLink(root({ atStartPc: true, startOp: 'ITERN' }), inner())).toEqual({ kind: 'continue', loopunroll: 15, loopref: 0 });
  });

  test('root entering another loop: LINNER, unless the penalty cache saw it left early or its jump is -1', () => {
    expect(interpretedLoopLink(root(), inner())).toEqual(abort('LINNER'));
    expect(interpretedLoopLink(root({ atStartPc: true, framedepth: 1 }), inner())).toEqual(abort('LINNER')); // same pc, deeper frame
    expect(interpretedLoopLink(root(), inner({ innerLoopLeft: true }))).toEqual({ kind: 'continue', loopunroll: 14, loopref: 40 });
    expect(interpretedLoopLink(root(), inner({ jump: -1 }))).toEqual({ kind: 'continue', loopunroll: 14, loopref: 40 });
  });

  test('root unrolling: LUNROLL past the unroll budget or more than 24 IR after the last unrolled loop (not for enter-lo)', () => {
    const ok = inner({ innerLoopLeft: true, loopref: 16 });
    expect(interpretedLoopLink(root(), { ...ok, nins: 40 })).toEqual({ kind: 'continue', loopunroll: 14, loopref: 40 });
    expect(interpretedLoopLink(root(), { ...ok, nins: 41 })).toEqual(abort('LUNROLL'));
    expect(interpretedLoopLink(root(), { ...ok, nins: 41, event: 'enter-lo' })).toEqual({ kind: 'continue', loopunroll: 14, loopref: 41 });
    expect(interpretedLoopLink(root(), { ...ok, loopunroll: 0 })).toEqual(abort('LUNROLL'));
  });

  test('root leaving an inner loop just continues', () => {
    expect(interpretedLoopLink(root(), inner({ event: 'leave' }))).toEqual({ kind: 'continue', loopunroll: 15, loopref: 0 });
  });

  test('side and stitched traces unroll interpreted loops, even their own start, until loopunroll is used up', () => {
    for (const s of [side(), side({ atStartPc: true }), stitched()]) {
      expect(interpretedLoopLink(s, inner())).toEqual({ kind: 'continue', loopunroll: 14, loopref: 40 });
      expect(interpretedLoopLink(s, inner({ loopunroll: 0 }))).toEqual(abort('LUNROLL'));
      expect(interpretedLoopLink(s, inner({ event: 'leave', loopunroll: 0 }))).toEqual({ kind: 'continue', loopunroll: 0, loopref: 0 });
    }
  });
});

describe('rec_loop_jit and JFORI', () => {
  test('a true root hitting a compiled loop aborts LINNER, entered or not', () => {
    expect(compiledLoopLink(root(), { op: 'JLOOP', event: 'enter', trace: 5 })).toEqual(abort('LINNER'));
    expect(compiledLoopLink(root(), { op: 'JFORL', event: 'leave', trace: 5 })).toEqual(abort('LINNER'));
  });

  test('a side trace entering a compiled loop: extra loop at its start at depth 0, else -> that trace', () => {
    expect(compiledLoopLink(side({ atStartPc: true }), { op: 'JFORL', event: 'enter', trace: 1 })).toEqual(stop('loop', 2));
    expect(compiledLoopLink(side({ atStartPc: true, loopOpt: false }), { op: 'JFORL', event: 'enter', trace: 1 })).toEqual(stop('loop', 1));
    expect(compiledLoopLink(side({ atStartPc: true, framedepth: 1 }), { op: 'JITERL', event: 'enter', trace: 1 })).toEqual(stop('root', 1));
    expect(compiledLoopLink(side(), { op: 'JLOOP', event: 'enter', trace: 5 })).toEqual(stop('root', 5));
    expect(compiledLoopLink(stitched(), { op: 'JLOOP', event: 'enter', trace: 5 })).toEqual(stop('root', 5));
    expect(compiledLoopLink(side(), { op: 'JLOOP', event: 'leave', trace: 5 })).toEqual({ kind: 'continue' });
  });

  test('an entered JFORI links any trace to the loop\'s trace; a skipped one continues', () => {
    expect(compiledLoopLink(root(), { op: 'JFORI', event: 'enter', trace: 4 })).toEqual(stop('root', 4));
    expect(compiledLoopLink(side(), { op: 'JFORI', event: 'enter', trace: 4 })).toEqual(stop('root', 4));
    expect(compiledLoopLink(root(), { op: 'JFORI', event: 'leave', trace: 4 })).toEqual({ kind: 'continue' });
  });
});

describe('check_call_unroll and rec_func_jit', () => {
  const funcf = (over: Partial<RecordingState> = {}) => root({ startOp: 'FUNCF', ...over });

  test('FUNCF root at its start: up-recursion once frames + tail calls exceed recunroll', () => {
    expect(functionEntryLink(funcf({ atStartPc: true, framedepth: 3 }), { sameProtoFrames: 3 }, new JitRandom(1))).toEqual(stop('up-recursion', 1));
    expect(functionEntryLink(funcf({ atStartPc: true, framedepth: 2 }), { sameProtoFrames: 2 }, new JitRandom(1))).toEqual({ kind: 'continue' });
    expect(functionEntryLink(funcf({ atStartPc: true, framedepth: 2, tailcalled: 1 }), { sameProtoFrames: 2 }, new JitRandom(1))).toEqual(stop('up-recursion', 1));
  });

  test('... and tail-recursion when the calls were all tail calls (depth 0)', () => {
    expect(functionEntryLink(funcf({ atStartPc: true, tailcalled: 3 }), { sameProtoFrames: 0 }, new JitRandom(1))).toEqual(stop('tail-recursion', 1));
  });

  test('elsewhere: CUNROLL past callunroll same-prototype frames', () => {
    expect(functionEntryLink(funcf({ framedepth: 4 }), { sameProtoFrames: 4 }, new JitRandom(1))).toEqual(abort('CUNROLL'));
    expect(functionEntryLink(funcf({ framedepth: 3 }), { sameProtoFrames: 3 }, new JitRandom(1))).toEqual({ kind: 'continue' });
  });

  test('CUNROLL at a JFUNCF of a returning trace flushes it and sets a random 0..15 hot count', () => {
    const nibble = Math.floor(seededRandom(8)() * 2 ** 32) % 16;
    expect(functionEntryLink(funcf({ framedepth: 4 }), { sameProtoFrames: 4, compiled: { trace: 7, link: 'return' } }, new JitRandom(8)))
      .toEqual({ kind: 'abort', reason: 'CUNROLL', flush: { trace: 7, hotcount: nibble } });
  });

  test('a JFUNCF whose trace does more than return: extra tail-recursion at the start at depth 0, else -> that trace', () => {
    const compiled = { trace: 7, link: 'loop' } as const;
    expect(functionEntryLink(funcf({ atStartPc: true }), { sameProtoFrames: 0, compiled }, new JitRandom(1))).toEqual(stop('tail-recursion', 1));
    expect(functionEntryLink(funcf({ atStartPc: true, framedepth: 1 }), { sameProtoFrames: 0, compiled }, new JitRandom(1))).toEqual(stop('root', 7));
    expect(functionEntryLink(side(), { sameProtoFrames: 9, compiled }, new JitRandom(1))).toEqual(stop('root', 7));
  });
});

describe('lj_record_tailcall', () => {
  test('tail calls count against the current loop unroll budget', () => {
    expect(tailCallLink(root(), 15)).toEqual({ kind: 'continue', tailcalled: 1 });
    expect(tailCallLink(root({ tailcalled: 14 }), 15)).toEqual({ kind: 'continue', tailcalled: 15 });
    expect(tailCallLink(root({ tailcalled: 15 }), 15)).toEqual(abort('LUNROLL'));
    expect(tailCallLink(side({ tailcalled: 2 }), 2)).toEqual(abort('LUNROLL'));
  });
});

describe('lj_record_ret', () => {
  const toLua = { toLua: true, retfToCaller: 0 };

  test('returns inside the trace pop a frame', () => {
    expect(returnLink(root({ framedepth: 1 }), toLua)).toEqual({ kind: 'continue', via: 'frame' });
  });

  test('a true root not started at a RET stops with return below its start frame', () => {
    expect(returnLink(root({ startOp: 'FUNCF' }), toLua)).toEqual(stop('return', 0));
    expect(returnLink(root({ startOp: 'LOOP' }), { toLua: true, retfToCaller: 3 })).toEqual(stop('return', 0));
  });

  test('any trace returning to a non-Lua frame at depth 0 stops with return', () => {
    for (const s of [root({ startOp: 'RET1' }), side(), stitched()]) expect(returnLink(s, { toLua: false, retfToCaller: 0 })).toEqual(stop('return', 0));
  });

  test('side, stitched and RET-started traces continue below their start with a RETF guard', () => {
    for (const s of [root({ startOp: 'RET1' }), side(), stitched()]) expect(returnLink(s, toLua)).toEqual({ kind: 'continue', via: 'retf' });
  });

  test('Example C: the restarted root (RET1) with 3 RETFs into the proto stops with down-recursion (3 + 0 > 2)', () => {
    const trace2 = root({ traceNo: 2, startOp: 'RET1', atStartPc: true, retdepth: 3 });
    expect(returnLink(trace2, { toLua: true, retfToCaller: 3 })).toEqual(stop('down-recursion', 2));
    expect(returnLink(trace2, { toLua: true, retfToCaller: 2 })).toEqual({ kind: 'continue', via: 'retf' });
  });

  test('a root returning into a proto it already returned into, away from its start pc: DOWNREC abort', () => {
    expect(returnLink(root({ startOp: 'RET1', retdepth: 1 }), { toLua: true, retfToCaller: 1 })).toEqual(abort('DOWNREC'));
  });

  test('Example C (1/4): only luajit-2022 lets a side trace abort with DOWNREC', () => {
    const s = side({ start: { kind: 'side', parent: 1, exit: 4 }, retdepth: 1 });
    expect(returnLink({ ...s, policy: 'luajit-2022' }, { toLua: true, retfToCaller: 1 })).toEqual(abort('DOWNREC'));
    expect(returnLink({ ...s, policy: 'fixed' }, { toLua: true, retfToCaller: 1 })).toEqual({ kind: 'continue', via: 'retf' });
  });
});

describe('#1169 reproducer (§7), hotexit=1 recunroll=1', () => {
  const opts = new JitOptions();
  opts.applyList('hotloop=1,hotexit=1,recunroll=1', '-O');
  // Trace 5 = (4/0): side trace of 4 (root 1) from an empty exit 0, so its start pc is trace_ret's RET1.
  const trace5 = (policy: 'fixed' | 'luajit-2022'): RecordingState =>
    side({ traceNo: 5, start: { kind: 'side', parent: 4, exit: 0 }, root: 1, atStartPc: true, params: opts.params, policy });

  test('the walk of trace 5 up to the second RET1 is the same under both policies', () => {
    for (const policy of LINK_POLICIES) {
      const s = trace5(policy);
      expect(returnLink(s, { toLua: true, retfToCaller: 0 })).toEqual({ kind: 'continue', via: 'retf' }); // first RET1
      const afterRetf = { ...s, atStartPc: false, retdepth: 1 };
      expect(tailCallLink(afterRetf, 15)).toEqual({ kind: 'continue', tailcalled: 1 }); // CALLMT
      expect(functionEntryLink({ ...afterRetf, tailcalled: 1 }, { sameProtoFrames: 0, compiled: { trace: 1, link: 'return' } }, new JitRandom(0)))
        .toEqual({ kind: 'continue' }); // JFUNCF of trace 1, which only returns
    }
  });

  test('at the RET1 again: luajit-2022 stops with down-recursion to itself (1 + 1 > 1); fixed keeps recording', () => {
    const again = (policy: 'fixed' | 'luajit-2022') => ({ ...trace5(policy), retdepth: 1, tailcalled: 1 });
    expect(returnLink(again('luajit-2022'), { toLua: true, retfToCaller: 1 })).toEqual(stop('down-recursion', 5));
    expect(returnLink({ ...again('luajit-2022'), loopOpt: false }, { toLua: true, retfToCaller: 1 })).toEqual(stop('down-recursion', 5));
    expect(returnLink(again('fixed'), { toLua: true, retfToCaller: 1 })).toEqual({ kind: 'continue', via: 'retf' });
  });

  test('(4/stitch) at line 15 returns into recursive_f again: DOWNREC abort under both policies', () => {
    for (const policy of LINK_POLICIES) {
      const s = stitched({ traceNo: 6, start: { kind: 'stitch', previous: 4 }, retdepth: 1, params: opts.params, policy });
      expect(returnLink(s, { toLua: true, retfToCaller: 1 })).toEqual(abort('DOWNREC'));
    }
  });

  test('trace 4 ends with stitch math.modf (a NYI builtin called from Lua)', () => {
    const trace4 = side({ traceNo: 4, start: { kind: 'side', parent: 1, exit: 0 }, root: 1, retdepth: 1, framedepth: 1, params: opts.params });
    expect(builtinLink(trace4, { irCount: 30, fromLuaCall: true, nextOp: 'MOV', name: 'math.modf' })).toEqual(stop('stitch', 0));
  });
});

describe('recff_nyi', () => {
  const call = { irCount: 3, fromLuaCall: true, nextOp: 'MOV', name: 'os.clock' } as const;

  test('stitch from a Lua call; return when not called from Lua', () => {
    expect(builtinLink(root(), call)).toEqual(stop('stitch', 0));
    expect(builtinLink(root(), { ...call, fromLuaCall: false })).toEqual(stop('return', 0));
  });

  test('fewer than minstitch IR instructions: TRACEUV', () => {
    const opts = new JitOptions();
    opts.applyList('minstitch=4', '-O');
    expect(builtinLink(root({ params: opts.params }), call)).toEqual(abort('TRACEUV'));
    expect(builtinLink(root({ params: opts.params }), { ...call, irCount: 4 })).toEqual(stop('stitch', 0));
  });

  test.each(['CALLM', 'CALLMT', 'RETM', 'TSETM'] as const)('no stitch when the next op is %s', (nextOp) => {
    expect(builtinLink(root(), { ...call, nextOp })).toEqual(stop('return', 0));
  });

  test.each(['error', 'debug.sethook', 'jit.flush'])('no stitch across %s', (name) => {
    expect(builtinLink(root(), { ...call, name })).toEqual(stop('return', 0));
  });
});

describe('policies', () => {
  test('fixed lets only cur.root == 0 traces check down-recursion; luajit-2022 lets every trace', () => {
    expect([root(), stitched(), side()].map(downRecursionAllowed)).toEqual([true, true, false]);
    expect([root(), stitched(), side()].map((s) => downRecursionAllowed({ ...s, policy: 'luajit-2022' }))).toEqual([true, true, true]);
  });

  test('over every enumerated situation, the two policies differ exactly on side-trace returns that meet down-recursion', () => {
    const starts: Partial<RecordingState>[] = [
      { start: { kind: 'root' }, root: 0, startOp: 'FORL' }, { start: { kind: 'root' }, root: 0, startOp: 'ITERN' },
      { start: { kind: 'root' }, root: 0, startOp: 'FUNCF' }, { start: { kind: 'root' }, root: 0, startOp: 'RET1' },
      { start: { kind: 'side', parent: 1, exit: 0 }, root: 1, startOp: 'JMP' },
      { start: { kind: 'side', parent: 4, exit: 2 }, root: 1, startOp: 'JMP' },
      { start: { kind: 'stitch', previous: 1 }, root: 0, startOp: 'CALL' },
    ];
    type Rule = { name: string; input: unknown; run: (s: RecordingState) => LinkDecision };
    const rules: Rule[] = [];
    for (const event of ['enter', 'enter-lo', 'leave'] as const) {
      for (const l of [inner({ event }), inner({ event, innerLoopLeft: true, loopref: 10 }), inner({ event, jump: -1, loopunroll: 0 })]) {
        rules.push({ name: 'interpretedLoop', input: l, run: (s) => interpretedLoopLink(s, l) });
      }
      for (const op of ['JFORI', 'JFORL', 'JITERL', 'JLOOP'] as const) {
        rules.push({ name: 'compiledLoop', input: { op, event }, run: (s) => compiledLoopLink(s, { op, event, trace: 9 }) });
      }
    }
    for (const sameProtoFrames of [0, 2, 4]) {
      for (const compiled of [undefined, { trace: 9, link: 'return' as const }, { trace: 9, link: 'loop' as const }]) {
        rules.push({ name: 'functionEntry', input: { sameProtoFrames, compiled }, run: (s) => functionEntryLink(s, { sameProtoFrames, compiled }, new JitRandom(3)) });
      }
    }
    for (const budget of [0, 1, 15]) rules.push({ name: 'tailCall', input: budget, run: (s) => tailCallLink(s, budget) });
    for (const toLua of [true, false]) {
      for (const retfToCaller of [0, 1, 2, 4]) rules.push({ name: 'return', input: { toLua, retfToCaller }, run: (s) => returnLink(s, { toLua, retfToCaller }) });
    }
    for (const nextOp of ['MOV', 'CALLM'] as const) {
      for (const fromLuaCall of [true, false]) {
        rules.push({ name: 'builtin', input: { nextOp, fromLuaCall }, run: (s) => builtinLink(s, { irCount: 2, fromLuaCall, nextOp, name: 'math.modf' }) });
      }
    }
    rules.push({ name: 'stop', input: 'self', run: (s) => stopLink(s, 'loop', s.traceNo) });

    const differing: { rule: string; input: unknown; s: RecordingState; fixed: LinkDecision; old: LinkDecision }[] = [];
    let situations = 0;
    for (const start of starts) for (const atStartPc of [true, false]) for (const framedepth of [0, 1, 3])
      for (const retdepth of [0, 1, 3]) for (const tailcalled of [0, 1, 3]) for (const loopOpt of [true, false]) {
        const s = root({ ...start, traceNo: 6, atStartPc, framedepth, retdepth, tailcalled, loopOpt });
        for (const rule of rules) {
          // A RETF into the caller's proto implies a return below the start: retfToCaller <= retdepth.
          if (rule.name === 'return' && (rule.input as { retfToCaller: number }).retfToCaller > retdepth) continue;
          situations++;
          const fixed = rule.run({ ...s, policy: 'fixed' });
          const old = rule.run({ ...s, policy: 'luajit-2022' });
          if (JSON.stringify(fixed) !== JSON.stringify(old)) differing.push({ rule: rule.name, input: rule.input, s, fixed, old });
        }
      }
    expect(situations).toBeGreaterThan(10000);
    // Every difference: a side trace returning at depth 0 into a Lua frame it already has a RETF for.
    for (const d of differing) {
      expect(d.rule).toBe('return');
      expect(d.s.start.kind).toBe('side');
      expect(d.s.framedepth).toBe(0);
      expect(d.input).toMatchObject({ toLua: true });
      expect((d.input as { retfToCaller: number }).retfToCaller).toBeGreaterThan(0);
      expect(d.fixed).toEqual({ kind: 'continue', via: 'retf' });
      expect([abort('DOWNREC'), stop('down-recursion', 6)]).toContainEqual(d.old);
    }
    // And the difference is real: both down-recursion outcomes occur.
    expect(differing.some((d) => d.old.kind === 'abort')).toBe(true);
    expect(differing.some((d) => d.old.kind === 'stop')).toBe(true);
  });
});
