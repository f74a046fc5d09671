// Writes a report document as one self-contained HTML file: the data as inline JSON, dagre (the
// graph layout library) and the page script and styles from packages/cli/assets, all inline, so
// the file needs no network and opens from disk. The same document always gives the same bytes.
import { closeSync, openSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import type { ReportDocument } from '@tracesim/jit';
import { CommandInputError } from '../failure';

/** packages/cli/assets, from src/html (tests) and from dist/html (the built CLI) alike. */
const ASSETS = join(__dirname, '..', '..', 'assets');

function asset(name: string): string {
  return readFileSync(join(ASSETS, name), 'utf8');
}

/** dagre's browser build, which defines the global `dagre`. */
function dagreScript(): string {
  return readFileSync(join(dirname(require.resolve('@dagrejs/dagre')), 'dagre.min.js'), 'utf8');
}

/** Text safe inside a <script> element: no `</script`, no `<!--`. */
const scriptSafe = (text: string) => text.replace(/<\//g, '<\\/').replace(/<!--/g, '<\\!--');
const htmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function reportHtml(doc: ReportDocument): string {
  // JSON's \u003c keeps every `<` of the data out of the HTML parser's sight.
  const json = JSON.stringify(doc).replace(/</g, '\\u003c');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${htmlText(doc.title)}</title>`,
    `<style>${asset('report.css')}</style>`,
    '</head>',
    '<body>',
    '<main id="report"></main>',
    `<script type="application/json" id="report-data">${json}</script>`,
    `<script>${scriptSafe(dagreScript())}</script>`,
    `<script>${scriptSafe(asset('report.js'))}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Runs a write to the report file; a failure is located bad input. */
function writingReport(file: string, write: () => void): void {
  try {
    write();
  } catch (err) {
    throw new CommandInputError(`cannot write the HTML report: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, file);
  }
}

/** Fails early, before a long run, when the report file cannot be written. */
export function checkReportFile(file: string): void {
  writingReport(file, () => closeSync(openSync(file, 'w')));
}

export function writeHtmlReport(file: string, doc: ReportDocument): void {
  writingReport(file, () => writeFileSync(file, reportHtml(doc)));
}
