// `tracesim check FILES... [--format text|json|junit|tap] [--regs N]`: replays every trace
// file's scenario (stopping at the first violation) and reports one result per file: passed,
// failed (with its violations) or error (bad input, with its location). For CI: JUnit XML and
// TAP 13 besides text and JSON. Exit 2 if any file is bad input, else 1 if any violation, else 0.
import type { CommandModule } from 'yargs';
import { describeViolation, type Violation } from '@tracesim/cpu-sim';
import { replayTraceFile, violationJson } from '@tracesim/jit';
import { paint } from '../colour';
import { checkRegs, readTraceFile } from './replay';

type FileResult =
  | { readonly file: string; readonly status: 'passed' }
  | { readonly file: string; readonly status: 'failed'; readonly violations: readonly Violation[] }
  | { readonly file: string; readonly status: 'error'; readonly location: string; readonly message: string };

function checkFile(file: string, regs: number | undefined): FileResult {
  try {
    const { result } = replayTraceFile(readTraceFile(file), file, { regs, onViolation: 'stop' });
    return result.violations.length === 0 ? { file, status: 'passed' } : { file, status: 'failed', violations: result.violations };
  } catch (err) {
    const location = (err as { location?: unknown }).location;
    if (!(err instanceof Error) || typeof location !== 'string') throw err;
    return { file, status: 'error', location, message: err.message };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line saying why a file did not pass. */
function summary(r: FileResult): string {
  if (r.status === 'failed') return `${plural(r.violations.length, 'violation')}: ${r.violations.map((v) => `${v.kind} in trace ${v.trace ?? '?'}`).join(', ')}`;
  if (r.status === 'error') return r.location === r.file ? r.message : `${r.location}: ${r.message}`;
  return 'passed';
}

function counts(results: readonly FileResult[]) {
  const of = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  return { files: results.length, passed: of('passed'), failed: of('failed'), errors: of('error') };
}

function textReport(results: readonly FileResult[]): string[] {
  const lines = results.flatMap((r) => {
    if (r.status === 'passed') return [`${paint.good('PASS')} ${r.file}`];
    if (r.status === 'error') return [`${paint.error('ERROR')} ${r.file}: ${summary(r)}`];
    return [`${paint.error('FAIL')} ${r.file}: ${plural(r.violations.length, 'violation')}`, ...r.violations.map((v) => '  ' + describeViolation(v).replace(/\n/g, '\n  '))];
  });
  const c = counts(results);
  return [...lines, `${plural(c.files, 'file')}: ${c.passed} passed, ${c.failed} failed, ${plural(c.errors, 'error')}`];
}

function jsonReport(results: readonly FileResult[]): string[] {
  const files = results.map((r) => ({
    file: r.file, status: r.status,
    violations: r.status === 'failed' ? r.violations.map(violationJson) : [],
    error: r.status === 'error' ? { location: r.location, message: r.message } : null,
  }));
  return [JSON.stringify({ files, summary: counts(results) }, null, 2)];
}

/** Escapes text for XML attribute values and character data; drops characters XML 1.0 forbids. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function junitReport(results: readonly FileResult[]): string[] {
  const c = counts(results);
  const totals = `tests="${c.files}" failures="${c.failed}" errors="${c.errors}"`;
  const cases = results.flatMap((r) => {
    const open = `    <testcase classname="tracesim.check" name="${xml(r.file)}"`;
    if (r.status === 'passed') return [`${open}/>`];
    const body = r.status === 'failed'
      ? `      <failure message="${xml(summary(r))}" type="${xml(r.violations[0].kind)}">${xml(r.violations.map(describeViolation).join('\n'))}</failure>`
      : `      <error message="${xml(summary(r))}" type="bad-input"/>`;
    return [`${open}>`, body, '    </testcase>'];
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${totals}>`,
    `  <testsuite name="tracesim check" ${totals}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ];
}

/** A YAML double-quoted scalar (JSON strings are valid ones). */
const yamlString = (text: string) => JSON.stringify(text);

function tapReport(results: readonly FileResult[]): string[] {
  const lines = ['TAP version 13', `1..${results.length}`];
  results.forEach((r, i) => {
    // `#` starts a TAP directive, so it is escaped in the description.
    const description = r.file.replace(/\\/g, '\\\\').replace(/#/g, '\\#');
    lines.push(`${r.status === 'passed' ? 'ok' : 'not ok'} ${i + 1} - ${description}`);
    if (r.status === 'passed') return;
    lines.push('  ---', `  message: ${yamlString(summary(r))}`, `  severity: ${r.status === 'failed' ? 'fail' : 'error'}`);
    if (r.status === 'error') lines.push(`  location: ${yamlString(r.location)}`);
    else {
      lines.push('  violations:');
      for (const v of r.violations) {
        const j = violationJson(v) as Record<string, string | number | null>;
        lines.push(...Object.entries(j).map(([k, value], n) => `${n === 0 ? '    - ' : '      '}${k}: ${typeof value === 'string' ? yamlString(value) : value === null ? 'null' : value}`));
      }
    }
    lines.push('  ...');
  });
  return lines;
}

const FORMATS = { text: textReport, json: jsonReport, junit: junitReport, tap: tapReport } as const;
type Format = keyof typeof FORMATS;

interface CheckArgs {
  files: string[];
  format: Format;
  regs?: number;
}

export const checkCommand: CommandModule<object, CheckArgs> = {
  command: 'check <files..>',
  describe: 'Replay trace files in CI: one result per file (passed / failed with violations / error)',
  builder: (y) => y
    .positional('files', { type: 'string', array: true, demandOption: true, describe: 'trace files' })
    .option('format', { type: 'string', choices: Object.keys(FORMATS) as Format[], default: 'text' as Format, describe: 'report format: text, json, junit (JUnit XML) or tap (TAP version 13)' })
    .option('regs', { type: 'number', describe: 'registers the backend may allocate (small values force spills)' })
    .example('$0 check traces/*.trace --format junit > report.xml', '')
    .epilogue('Exit status: 2 if any file is bad input, else 1 if any file has a violation, else 0.'),
  handler: (args) => {
    const regs = checkRegs(args.regs);
    const results = args.files.map((file) => checkFile(file, regs));
    process.stdout.write(FORMATS[args.format](results).map((l) => l + '\n').join(''));
    const c = counts(results);
    process.exitCode = c.errors > 0 ? 2 : c.failed > 0 ? 1 : 0;
  },
};
