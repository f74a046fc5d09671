// One result per input file for CI (`tracesim check`, `tracesim lint`): passed, failed with its
// problems (monitor violations or lint findings), or error (bad input, with its location), and
// the four report formats: text, JSON, JUnit XML and TAP 13.
import { paint } from '../colour';

/** A violation or finding, already worded: its kind and trace, the text block and the JSON fields. */
export interface Problem {
  readonly kind: string;
  readonly trace: number | undefined;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

export type FileResult =
  | { readonly file: string; readonly status: 'passed' }
  | { readonly file: string; readonly status: 'failed'; readonly problems: readonly Problem[] }
  | { readonly file: string; readonly status: 'error'; readonly location: string; readonly message: string };

/** Runs one file's check; an error carrying a `location` is that file's bad input. */
export function resultOf(file: string, check: () => readonly Problem[]): FileResult {
  try {
    const problems = check();
    return problems.length === 0 ? { file, status: 'passed' } : { file, status: 'failed', problems };
  } catch (err) {
    const location = (err as { location?: unknown }).location;
    if (!(err instanceof Error) || typeof location !== 'string') throw err;
    return { file, status: 'error', location, message: err.message };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line saying why a file did not pass. */
function summary(r: FileResult, noun: string): string {
  if (r.status === 'failed') return `${plural(r.problems.length, noun)}: ${r.problems.map((p) => `${p.kind} in trace ${p.trace ?? '?'}`).join(', ')}`;
  if (r.status === 'error') return r.location === r.file ? r.message : `${r.location}: ${r.message}`;
  return 'passed';
}

export function counts(results: readonly FileResult[]) {
  const of = (status: FileResult['status']) => results.filter((r) => r.status === status).length;
  return { files: results.length, passed: of('passed'), failed: of('failed'), errors: of('error') };
}

/** Exit status: 2 if any file is bad input, else 1 if any failed, else 0. */
export function exitCodeOf(results: readonly FileResult[]): number {
  const c = counts(results);
  return c.errors > 0 ? 2 : c.failed > 0 ? 1 : 0;
}

interface ReportOptions {
  /** What a problem is called: `violation` (check) or `finding` (lint). */
  readonly noun: string;
  /** The JUnit suite and class name: `tracesim check`, `tracesim lint`. */
  readonly suite: string;
}

function textReport(results: readonly FileResult[], o: ReportOptions): string[] {
  const lines = results.flatMap((r) => {
    if (r.status === 'passed') return [`${paint.good('PASS')} ${r.file}`];
    if (r.status === 'error') return [`${paint.error('ERROR')} ${r.file}: ${summary(r, o.noun)}`];
    return [`${paint.error('FAIL')} ${r.file}: ${plural(r.problems.length, o.noun)}`, ...r.problems.map((p) => '  ' + p.text.replace(/\n/g, '\n  '))];
  });
  const c = counts(results);
  return [...lines, `${plural(c.files, 'file')}: ${c.passed} passed, ${c.failed} failed, ${plural(c.errors, 'error')}`];
}

function jsonReport(results: readonly FileResult[], o: ReportOptions): string[] {
  const files = results.map((r) => ({
    file: r.file, status: r.status,
    [`${o.noun}s`]: r.status === 'failed' ? r.problems.map((p) => p.json) : [],
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

function junitReport(results: readonly FileResult[], o: ReportOptions): string[] {
  const c = counts(results);
  const totals = `tests="${c.files}" failures="${c.failed}" errors="${c.errors}"`;
  const cases = results.flatMap((r) => {
    const open = `    <testcase classname="${o.suite.replace(' ', '.')}" name="${xml(r.file)}"`;
    if (r.status === 'passed') return [`${open}/>`];
    const body = r.status === 'failed'
      ? `      <failure message="${xml(summary(r, o.noun))}" type="${xml(r.problems[0].kind)}">${xml(r.problems.map((p) => p.text).join('\n'))}</failure>`
      : `      <error message="${xml(summary(r, o.noun))}" type="bad-input"/>`;
    return [`${open}>`, body, '    </testcase>'];
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${totals}>`,
    `  <testsuite name="${o.suite}" ${totals}>`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
  ];
}

/** A YAML double-quoted scalar (JSON strings are valid ones). */
const yamlString = (text: string) => JSON.stringify(text);

function tapReport(results: readonly FileResult[], o: ReportOptions): string[] {
  const lines = ['TAP version 13', `1..${results.length}`];
  results.forEach((r, i) => {
    // `#` starts a TAP directive, so it is escaped in the description.
    const description = r.file.replace(/\\/g, '\\\\').replace(/#/g, '\\#');
    lines.push(`${r.status === 'passed' ? 'ok' : 'not ok'} ${i + 1} - ${description}`);
    if (r.status === 'passed') return;
    lines.push('  ---', `  message: ${yamlString(summary(r, o.noun))}`, `  severity: ${r.status === 'failed' ? 'fail' : 'error'}`);
    if (r.status === 'error') lines.push(`  location: ${yamlString(r.location)}`);
    else {
      lines.push(`  ${o.noun}s:`);
      for (const p of r.problems) {
        lines.push(...Object.entries(p.json).map(([k, value], n) => `${n === 0 ? '    - ' : '      '}${k}: ${typeof value === 'string' ? yamlString(value) : value === null ? 'null' : String(value)}`));
      }
    }
    lines.push('  ...');
  });
  return lines;
}

export const REPORT_FORMATS = { text: textReport, json: jsonReport, junit: junitReport, tap: tapReport } as const;
export type ReportFormat = keyof typeof REPORT_FORMATS;

/** The `--format` option both CI commands take. */
export const FORMAT_OPTION = {
  type: 'string', choices: Object.keys(REPORT_FORMATS) as ReportFormat[], default: 'text' as ReportFormat,
  describe: 'report format: text, json, junit (JUnit XML) or tap (TAP version 13)',
} as const;

export function writeReport(results: readonly FileResult[], format: ReportFormat, options: ReportOptions): void {
  process.stdout.write(REPORT_FORMATS[format](results, options).map((l) => l + '\n').join(''));
  process.exitCode = exitCodeOf(results);
}
