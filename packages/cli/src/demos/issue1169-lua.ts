// Demo: LuaJIT #1169 from Lua. Runs the pure-Lua reproducer (fixtures/corpus/issue1169_num17.lua)
// with the JIT under both link policies and tells what happened from the run's own data: the
// traces forming, the side trace that links down-recursion to itself, rsp climbing by its
// parent's frame, and the fixed policy's clean run. `--html FILE` writes both runs as one report.
import type { LinkPolicy, RunReport } from '@tracesim/jit';
import { ReportCollector, reportDocument, type ReportDocument } from '@tracesim/jit';
import { runLuaSession } from '../lua-session';

export const REPRODUCER_FILE = 'issue1169_num17.lua';
export const REPRODUCER = "jit.opt.start('hotloop=1', 'hotexit=1', 'recunroll=1')\n-- pure-Lua variant of the LuaJIT issue #1169 reproducer (no ffi): a side\n-- trace with down-recursion whose parent trace has a stack adjustment\n-- (17 live number locals -> spill slots in the parent trace)\nlocal modf = math.modf\nlocal function trace_ret(arg)\n  return arg\nend\nlocal function extra_frame()\n  modf(1)\n  return trace_ret({})\nend\nlocal call_counter = 0\nlocal total = 0\nlocal function recursive_f()\n  if call_counter > 4 then return end\n  call_counter = call_counter + 1\n  trace_ret(1)\n  trace_ret(1)\n  recursive_f()\n  modf(1)\n  trace_ret('')\n  local l1, l2, l3, l4 = call_counter + 1, call_counter + 2, call_counter + 3, call_counter + 4\n  local l5, l6, l7, l8 = call_counter + 5, call_counter + 6, call_counter + 7, call_counter + 8\n  local l9, l10, l11, l12 = call_counter + 9, call_counter + 10, call_counter + 11, call_counter + 12\n  local l13, l14, l15, l16 = call_counter + 13, call_counter + 14, call_counter + 15, call_counter + 16\n  local l17 = call_counter + 17\n  total = total + l1 + l2 + l3 + l4 + l5 + l6\n  total = total + l7 + l8 + l9 + l10 + l11 + l12\n  total = total + l13 + l14 + l15 + l16 + l17\n  return trace_ret(extra_frame())\nend\nrecursive_f()\nprint(call_counter)\nprint(total)\n";

const hex = (n: number) => '0x' + n.toString(16);

function runPolicy(policy: LinkPolicy): RunReport {
  const collector = new ReportCollector();
  let output = '';
  const { jit } = runLuaSession({
    file: REPRODUCER_FILE, source: REPRODUCER, jit: true, policy, maxSteps: 1e7, maxMemory: 64 * 1024 * 1024, onViolation: 'stop',
    write: (text) => { output += text; }, writeError: (text) => { output += text; },
    observer: collector.observer, checkpoint: collector.checkpoint,
  });
  return collector.finish({
    title: policy === 'fixed' ? 'policy fixed (LuaJIT after cae36118)' : 'policy luajit-2022 (Debian 2.1.0-beta3)',
    command: 'tracesim demo issue1169', file: REPRODUCER_FILE, policy, exitCode: jit!.violations.length > 0 ? 1 : 0,
    source: REPRODUCER, output, exits: jit!.exitCounts(), violations: jit!.violations, blacklisted: jit!.blacklisted,
  });
}

/** The story of the two runs, each step taken from the data. */
function narrate(unfixed: RunReport, fixed: RunReport): string[] {
  const steps = unfixed.traces.map((t) => {
    const start = t.start.kind === 'side' ? `a side trace of trace ${t.start.parent}'s exit ${t.start.exit}` : t.start.kind === 'stitch' ? `stitched after trace ${t.start.previous}` : 'a root trace';
    return `Trace ${t.number} forms at ${t.location}: ${start}, frame ${hex(t.spadjust)}, link ${t.link.kind}${t.link.target ? ' ' + t.link.target : ''}.`;
  });
  const selfLink = unfixed.traces.find((t) => t.start.kind === 'side' && t.link.kind === 'down-recursion' && t.link.target === t.number);
  if (selfLink && selfLink.start.kind === 'side') {
    const parent = unfixed.traces.find((t) => selfLink.start.kind === 'side' && t.number === selfLink.start.parent);
    steps.push(`Side trace ${selfLink.number} stops with down-recursion and links to itself, yet it runs in trace ${selfLink.start.parent}'s frame of ${hex(parent?.spadjust ?? 0)} bytes: its tail frees that frame on every lap.`);
  }
  const v = unfixed.violations[0] as { kind?: string; delta?: string; text: string } | undefined;
  steps.push(v ? `Under luajit-2022 the monitor stops the run: ${v.kind}, rsp ${v.delta} off (the red marker on the timeline).` : 'Under luajit-2022 the monitor found no violation.');
  const fixedSide = fixed.traces.filter((t) => t.start.kind === 'side' && t.link.kind === 'down-recursion').length;
  steps.push(`Under the fixed policy only root traces may stop with down-recursion: ${fixedSide === 0 ? 'no side trace does' : `yet ${fixedSide} side traces do`}, and the run ${fixed.violations.length === 0 ? 'is clean' : `has ${fixed.violations.length} violations`}.`);
  return steps;
}

export function issue1169LuaDemo(): { document: ReportDocument; unfixed: RunReport; fixed: RunReport } {
  const unfixed = runPolicy('luajit-2022');
  const fixed = runPolicy('fixed');
  const document = reportDocument('LuaJIT #1169: a side trace that down-recurses into itself', [unfixed, fixed], narrate(unfixed, fixed));
  return { document, unfixed, fixed };
}
