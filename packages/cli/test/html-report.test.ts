// The HTML report in a real browser: Debian's chromium, headless through playwright-core. Each
// report comes from `tracesim run --html` as a process, which in the same run prints --json and
// writes -jdump=+rs to a file; those two are the expectations. The page must draw one node per
// trace of the JSON and its labelled edges, show a clicked trace's IR and mcode exactly as
// -jdump prints them, link hovered IR to its mcode, mark violations on the timeline only where
// the run has them, log no console error and make no request beyond its own file. Screenshots
// go to test-output/html-report/. A 1,000-trace run is timed from navigation to drawn page.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(__dirname, '../../..');
const BIN = join(ROOT, 'packages/cli/bin/tracesim.js');
const CORPUS = join(ROOT, 'fixtures/corpus');
const OUT = join(ROOT, 'test-output/html-report');
const CHROMIUM = process.env.TRACESIM_CHROMIUM ?? '/usr/bin/chromium';
/** The bound the issue sets on drawing a 1,000-trace report. */
const RENDER_BOUND_MS = 2000;

interface JsonTrace {
  number: number;
  start: { kind: string; parent?: number; exit?: number; previous?: number };
  link: { kind: string; target: number | null };
}
interface Generated {
  html: string;
  traces: JsonTrace[];
  violations: unknown[];
  /** -jdump text: per trace its IR instruction lines and its mcode lines. */
  dump: Map<number, { ir: string[]; mcode: string[] }>;
}

function tracesim(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('node', [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 1 << 28 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** IR instruction lines (not snapshots) and mcode lines per trace, from -jdump=+rs text. */
function parseDump(text: string): Map<number, { ir: string[]; mcode: string[] }> {
  const traces = new Map<number, { ir: string[]; mcode: string[] }>();
  let section: string[] | undefined;
  for (const line of text.split('\n')) {
    const head = /^---- TRACE (\d+) (IR|mcode)/.exec(line);
    if (head) {
      const t = traces.get(Number(head[1])) ?? { ir: [], mcode: [] };
      traces.set(Number(head[1]), t);
      section = head[2] === 'IR' ? t.ir : t.mcode;
    } else if (line.startsWith('----') || line === '') section = undefined;
    else if (section && !line.startsWith('....')) section.push(line);
  }
  return traces;
}

function generate(name: string, file: string, args: string[]): Generated {
  const html = join(OUT, `${name}.html`);
  const dumpFile = join(OUT, `${name}.jdump`);
  const r = tracesim(['run', file, ...args, '--json', `-jdump=+rs,${dumpFile}`, '--html', html]);
  expect([0, 1]).toContain(r.status);
  const json = JSON.parse(r.stdout) as { traces: JsonTrace[]; violations: unknown[] };
  return { html, traces: json.traces, violations: json.violations, dump: parseDump(readFileSync(dumpFile, 'latin1')) };
}

/** The edges the graph must draw, from the JSON trace list. */
function expectedEdges(traces: JsonTrace[]): string[] {
  const numbers = new Set(traces.map((t) => t.number));
  return traces.flatMap((t) => [
    ...(t.start.kind === 'side' && numbers.has(t.start.parent!) ? [`${t.start.parent}>${t.number}:exit ${t.start.exit}`] : []),
    ...(t.start.kind === 'stitch' && numbers.has(t.start.previous!) ? [`${t.start.previous}>${t.number}:stitch`] : []),
    ...(t.link.target !== null && numbers.has(t.link.target) && t.link.kind !== 'stitch' ? [`${t.number}>${t.link.target}:${t.link.kind}`] : []),
  ]).sort();
}

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
  ms: number;
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  const started = Date.now();
  await page.goto('file://' + file);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30000 });
  return { page, errors, requests, ms: Date.now() - started };
}

let browser: Browser;
const reports = new Map<string, Generated>();
const CASES: [string, string, string[]][] = [
  ['issue1169-luajit-2022', 'fixtures/corpus/issue1169_num17.lua', ['--policy', 'luajit-2022']],
  ['issue1169-fixed', 'fixtures/corpus/issue1169_num17.lua', ['--policy', 'fixed']],
  ['branch_side', 'fixtures/corpus/branch_side.lua', []],
  ['nested_loops', 'fixtures/corpus/nested_loops.lua', []],
  ['stitch_modf', 'fixtures/corpus/stitch_modf.lua', []],
];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`the browser test needs chromium at ${CHROMIUM}: run scripts/check-tools.sh (it installs Debian's chromium) or set TRACESIM_CHROMIUM`);
  spawnSync('npx', ['tsc', '-b', 'packages/cli'], { cwd: ROOT, stdio: 'inherit' });
  mkdirSync(OUT, { recursive: true });
  for (const [name, file, args] of CASES) reports.set(name, generate(name, file, args));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

describe.each(CASES.map(([name]) => name))('the report of %s', (name) => {
  test('draws one node per trace and the labelled edges, with no console error and no request', async () => {
    const r = reports.get(name)!;
    const { page, errors, requests } = await open(browser, r.html);
    const nodes = await page.$$eval('.graph .node', (ns) => ns.map((n) => Number(n.getAttribute('data-trace'))));
    expect(nodes.sort((a, b) => a - b)).toEqual(r.traces.map((t) => t.number).sort((a, b) => a - b));
    const edges = await page.$$eval('.graph .edge', (es) => es.map((e) => `${e.getAttribute('data-from')}>${e.getAttribute('data-to')}:${e.textContent}`));
    expect(edges.sort()).toEqual(expectedEdges(r.traces));
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual(['file://' + r.html]);
    await page.close();
  });

  test('clicking each trace shows its IR and mcode as -jdump prints them; hovering IR lights its mcode', async () => {
    const r = reports.get(name)!;
    const { page, errors } = await open(browser, r.html);
    for (const t of r.traces) {
      await page.click(`.graph .node[data-trace="${t.number}"]`);
      const table = `.trace-detail table.columns[data-trace="${t.number}"]`;
      await page.waitForSelector(table);
      const ir = await page.$$eval(`${table} .ir-line`, (ls) => ls.map((l) => l.textContent));
      const mcode = await page.$$eval(`${table} .mc-line`, (ls) => ls.map((l) => l.textContent));
      expect(ir).toEqual(r.dump.get(t.number)!.ir);
      expect(mcode).toEqual(r.dump.get(t.number)!.mcode);
      const ref = await page.$eval(`${table}`, (tb) => {
        const withCode = [...tb.querySelectorAll('.mc-line[data-ref]')].map((m) => m.getAttribute('data-ref'));
        return withCode[0] ?? null;
      });
      if (ref === null) continue;
      await page.hover(`${table} .ir-line[data-ref="${ref}"]`);
      const lit = await page.$$eval(`${table} .hl`, (ls) => ls.map((l) => `${l.className.split(' ')[0]}:${l.getAttribute('data-ref')}`));
      expect(new Set(lit)).toEqual(new Set([`ir-line:${ref}`, `mc-line:${ref}`]));
      const mcodeOfRef = await page.$$eval(`${table} .mc-line[data-ref="${ref}"]`, (ls) => ls.length);
      expect(lit.filter((l) => l.startsWith('mc-line')).length).toBe(mcodeOfRef);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the timeline marks a violation exactly where the run has one, each linked to its report', async () => {
    const r = reports.get(name)!;
    const { page } = await open(browser, r.html);
    const markers = await page.$$eval('.timeline .violation-marker', (ms) => ms.length);
    expect(markers).toBe(r.violations.length);
    expect(markers > 0).toBe(name === 'issue1169-luajit-2022');
    const targets = await page.$$eval('.timeline a.violation-link', (as) => as.map((a) => a.getAttribute('href')!.slice(1)));
    for (const id of targets) expect(await page.$(`[id="${id}"]`)).not.toBeNull();
    await page.close();
  });
});

test('the report of the same run is byte-identical', () => {
  const again = join(OUT, 'issue1169-luajit-2022.again.html');
  tracesim(['run', 'fixtures/corpus/issue1169_num17.lua', '--policy', 'luajit-2022', '--html', again]);
  expect(readFileSync(again)).toEqual(readFileSync(reports.get('issue1169-luajit-2022')!.html));
});

test('the demo report shows both policies side by side: the violation only under luajit-2022', async () => {
  const file = join(OUT, 'demo-issue1169.html');
  const r = tracesim(['demo', 'issue1169', '--html', file]);
  expect(r.status).toBe(0);
  const { page, errors, requests } = await open(browser, file);
  const runs = await page.$$eval('section.run', (ss) => ss.map((s) => ({ title: s.querySelector('h2')!.textContent, markers: s.querySelectorAll('.violation-marker').length })));
  expect(runs.map((x) => x.title)).toEqual(['policy luajit-2022 (Debian 2.1.0-beta3)', 'policy fixed (LuaJIT after cae36118)']);
  expect(runs[0].markers).toBeGreaterThan(0);
  expect(runs[1].markers).toBe(0);
  await page.screenshot({ path: join(OUT, 'demo-issue1169.png'), fullPage: true });
  expect(errors).toEqual([]);
  expect(requests).toEqual(['file://' + file]);
  await page.close();
});

test(`a run with 1,000 traces is drawn in under ${RENDER_BOUND_MS} ms`, async () => {
  // 1,000 separate hot loops: 1,000 root traces, each looping to itself.
  const lua = join(OUT, 'thousand-loops.lua');
  writeFileSync(lua, ['local s = 0', ...Array.from({ length: 1000 }, (_, i) => `for i = 1, 60 do s = s + i * ${i + 1} end`), 'print(s)', ''].join('\n'));
  const html = join(OUT, 'thousand-loops.html');
  const r = tracesim(['run', lua, '--html', html]);
  expect(r.status).toBe(0);
  const { page, errors, ms } = await open(browser, html);
  process.stdout.write(`html-report: 1,000-trace report drawn in ${ms} ms (bound ${RENDER_BOUND_MS} ms)\n`);
  expect(await page.$$eval('.graph .node', (ns) => ns.length)).toBe(1000);
  expect(errors).toEqual([]);
  expect(ms).toBeLessThan(RENDER_BOUND_MS);
  await page.close();
});

test.each([
  ['run', 'fixtures/corpus/loop_sum.lua'],
  ['replay', 'examples/issue1169.trace'],
  ['demo', 'issue1169'],
])('%s --html into a missing folder is located bad input (exit 2), before the run', (command, input) => {
  const r = tracesim([command, input, '--html', '/nonexistent-dir/report.html']);
  expect(r.status).toBe(2);
  expect(r.stderr).toBe('tracesim: /nonexistent-dir/report.html: cannot write the HTML report: ENOENT\n');
  expect(r.stdout).toBe('');
});
