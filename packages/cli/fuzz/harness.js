#!/usr/bin/env node
// The CLI fuzz harness: generates seeded cases (cases.js) and runs each command line inside
// this one process through the CLI's runCli, with stdout and stderr captured. A case fails if
// it exits other than 0, 1 or 2, prints a JavaScript stack (`    at `), throws past the CLI,
// takes longer than the time bound, gives different output when run again, or (for `run`)
// prints with the JIT on other than what --jit off prints.
//
//   node packages/cli/fuzz/harness.js [--seed N] [--cases N] [--out DIR] [--time-bound-ms MS] [--spawn-every N]
//
// One case in `--spawn-every` (default 25) also runs as a real `tracesim` process, which must
// exit and print exactly as the in-process run did, with no stack trace on its stderr.
//
// Prints progress to stderr and one JSON summary to stdout. Each failing case is saved under
// DIR/failures/ with its input files and a repro.sh. Before each case its argv is written to
// DIR/current.json, so a harness killed by a hang still names the case that hung.
const fs = require('fs');
const os = require('os');
const path = require('path');
const fc = require('fast-check');
const { loadSeeds, ROOT } = require('./seeds');
const { fuzzCase } = require('./cases');

const { spawnSync } = require('child_process');

// The in-process CLI must see what a spawned one sees through pipes: no colour, no terminal width.
process.env.NO_COLOR = '1';
Object.defineProperty(process.stdout, 'columns', { value: undefined });
Object.defineProperty(process.stdout, 'isTTY', { value: false });
const { runCli } = require(path.join(ROOT, 'packages/cli/dist/main.js'));
const BIN = path.join(ROOT, 'packages/cli/bin/tracesim.js');

function parseArgs(argv) {
  const opts = { seed: Date.now() % 2 ** 31, cases: 1000, out: fs.mkdtempSync(path.join(os.tmpdir(), 'tracesim-fuzz-')), timeBoundMs: 10000, spawnEvery: 25 };
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (name === '--seed') opts.seed = Number(value);
    else if (name === '--cases') opts.cases = Number(value);
    else if (name === '--out') opts.out = value;
    else if (name === '--time-bound-ms') opts.timeBoundMs = Number(value);
    else if (name === '--spawn-every') opts.spawnEvery = Number(value);
    else throw new Error(`fuzz harness: unknown option ${name} (see the header of ${__filename})`);
  }
  for (const key of ['seed', 'cases', 'timeBoundMs', 'spawnEvery']) {
    if (!Number.isInteger(opts[key]) || opts[key] < 0) throw new Error(`fuzz harness: --${key} must be a whole number`);
  }
  return opts;
}

const realWrite = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
/** A written chunk as the bytes a pipe would carry (strings go out as UTF-8), one char a byte. */
const toText = (chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk)).toString('latin1');

/** How many cases each cross-check compared, for the summary. */
const counters = { jitCompared: 0 };

/** A failure that escaped runCli asynchronously, charged to the case running at the time. */
let escaped;
process.on('uncaughtException', (err) => { escaped = err; });
process.on('unhandledRejection', (err) => { escaped = err; });

/** Runs one command line with the streams captured; returns exit code, output and time. */
async function runCaptured(argv) {
  let stdout = '';
  let stderr = '';
  process.stdout.write = (chunk, ...rest) => { stdout += toText(chunk); callbackOf(rest)?.(); return true; };
  process.stderr.write = (chunk, ...rest) => { stderr += toText(chunk); callbackOf(rest)?.(); return true; };
  process.exitCode = undefined;
  escaped = undefined;
  const start = process.hrtime.bigint();
  try {
    await runCli(argv);
    await new Promise((resolve) => setImmediate(resolve));
  } catch (err) {
    escaped = err;
  } finally {
    process.stdout.write = realWrite.out;
    process.stderr.write = realWrite.err;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { code, stdout, stderr, ms, escaped };
}

function callbackOf(rest) {
  return rest.find((r) => typeof r === 'function');
}

/** Why a case failed, or undefined when it kept the CLI's contract. */
function judge(result, timeBoundMs) {
  if (result.escaped) return { kind: 'escaped', detail: String(result.escaped && result.escaped.stack || result.escaped) };
  if (![0, 1, 2].includes(result.code)) return { kind: `exit ${result.code}`, detail: result.stderr.slice(0, 2000) };
  if (/^ {4}at /m.test(result.stderr) || /^ {4}at /m.test(result.stdout)) return { kind: 'stack trace', detail: result.stderr.slice(0, 2000) };
  if (result.ms > timeBoundMs) return { kind: 'slow', detail: `${Math.round(result.ms)} ms` };
  return undefined;
}

/** A bad-input message with its paths, numbers and quoted text blanked, to count kinds of rejection. */
function messageClass(stderr, caseDir) {
  const text = Buffer.from(stderr, 'latin1').toString('utf8');
  const first = text.split('\n').find((l) => l.startsWith('tracesim:')) ?? text.split('\n')[0];
  return first.split(caseDir).join('.').replace(/'[^']*'|"[^"]*"|`[^`]*`/g, "'…'").replace(/\b(0x)?[0-9a-f]*\d[0-9a-f]*\b/gi, 'N').slice(0, 120);
}

/**
 * The JIT never changes a result: a run with the JIT on that ended normally or with a Lua error
 * prints what the interpreter alone prints, and fails at the same place. Runs whose stdout carries -jdump or JSON, or that
 * hit a step budget (counted differently by the two), are not compared.
 */
async function compareWithJitOff(argv, jitOn) {
  const dumpsToStdout = argv.some((a) => /^-jdump(=[^,]*)?$/.test(a)) || argv.includes('--json');
  const jitOff = argv.indexOf('--jit') >= 0 && argv[argv.indexOf('--jit') + 1] === 'off';
  const luaError = jitOn.code === 2 && jitOn.stderr.startsWith(`tracesim: ${argv[1]}:`);
  if (dumpsToStdout || jitOff || !(jitOn.code === 0 || luaError) || /budget/.test(jitOn.stderr)) return undefined;
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length;
  const offArgv = [...argv.slice(0, end).filter((a, i, all) => a !== '-jv' && a !== '--jit' && all[i - 1] !== '--jit'), '--jit', 'off', ...argv.slice(end)];
  const off = await runCaptured(offArgv);
  counters.jitCompared += 1;
  if (/budget/.test(off.stderr)) return undefined;
  const errorLine = (r) => r.stderr.split('\n').filter((l) => l.startsWith('tracesim:')).join('\n');
  if (off.code === jitOn.code && off.stdout === jitOn.stdout && errorLine(off) === errorLine(jitOn)) return undefined;
  return { kind: 'jit changes the result', detail: `--jit off: exit ${off.code}\n${off.stdout.slice(0, 1500)}\n${errorLine(off)}\n--- JIT on: exit ${jitOn.code}\n${jitOn.stdout.slice(0, 1500)}\n${errorLine(jitOn)}` };
}

/** Runs the case as a real process: it must keep the contract and match the in-process run. */
function compareWithProcess(argv, inProcess, timeBoundMs) {
  const r = spawnSync(process.execPath, [BIN, ...argv], { encoding: 'latin1', timeout: 4 * timeBoundMs, env: { ...process.env, NO_COLOR: '1' } });
  const result = { code: r.status ?? `killed by ${r.signal}`, stdout: r.stdout, stderr: r.stderr, ms: 0, escaped: r.error };
  const verdict = judge(result, timeBoundMs);
  if (verdict) return { kind: `process ${verdict.kind}`, detail: verdict.detail };
  if (result.code !== inProcess.code || result.stdout !== inProcess.stdout || result.stderr !== inProcess.stderr) {
    return { kind: 'process differs', detail: `in-process exit ${inProcess.code}, process exit ${result.code}\n--- in-process stderr\n${inProcess.stderr}\n--- process stderr\n${result.stderr}` };
  }
  return undefined;
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

function saveFailure(outDir, index, testCase, argv, verdict) {
  const dir = path.join(outDir, 'failures', `${String(index).padStart(5, '0')}-${testCase.group}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(testCase.files)) fs.writeFileSync(path.join(dir, name), text, 'latin1');
  const local = argv.map((a) => a.split(path.join(outDir, 'case')).join('.'));
  fs.writeFileSync(path.join(dir, 'repro.sh'), `cd "$(dirname "$0")" && node ${shellQuote(path.join(ROOT, 'packages/cli/bin/tracesim.js'))} ${local.map(shellQuote).join(' ')}\n`);
  fs.writeFileSync(path.join(dir, 'verdict.txt'), `${verdict.kind}\n${verdict.detail}\n`);
  return dir;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const seeds = loadSeeds();
  const caseDir = path.join(opts.out, 'case');
  fs.mkdirSync(caseDir, { recursive: true });
  realWrite.err(`fuzz: seed ${opts.seed}, ${opts.cases} cases, output in ${opts.out}\n`);
  const cases = fc.sample(fuzzCase(seeds), { seed: opts.seed, numRuns: opts.cases });
  const groups = {};
  const failures = [];
  const started = Date.now();
  let spawned = 0;
  for (const [index, testCase] of cases.entries()) {
    for (const f of fs.readdirSync(caseDir)) fs.rmSync(path.join(caseDir, f), { force: true, recursive: true });
    for (const [name, text] of Object.entries(testCase.files)) fs.writeFileSync(path.join(caseDir, name), text, 'latin1');
    const argv = testCase.argv.map((a) => a.replace(/@([\w.]+)/g, (_, name) => path.join(caseDir, name)));
    fs.writeFileSync(path.join(opts.out, 'current.json'), JSON.stringify({ seed: opts.seed, index, group: testCase.group, argv }) + '\n');
    const result = await runCaptured(argv);
    let verdict = judge(result, opts.timeBoundMs);
    // One case in ten runs again: the same command line must print the same bytes.
    if (!verdict && index % 10 === 0) {
      const again = await runCaptured(argv);
      if (again.stdout !== result.stdout || again.stderr !== result.stderr || again.code !== result.code) verdict = { kind: 'nondeterministic', detail: 'a second run printed different output' };
    }
    if (!verdict && testCase.group === 'run') verdict = await compareWithJitOff(argv, result);
    if (!verdict && opts.spawnEvery > 0 && index % opts.spawnEvery === 0) {
      verdict = compareWithProcess(argv, result, opts.timeBoundMs);
      spawned += 1;
    }
    const g = (groups[testCase.group] ??= { cases: 0, exits: {}, ms: 0, messages: {} });
    g.cases += 1;
    g.exits[result.code] = (g.exits[result.code] ?? 0) + 1;
    g.ms += result.ms;
    if (result.code === 2) {
      const message = messageClass(result.stderr, caseDir);
      g.messages[message] = (g.messages[message] ?? 0) + 1;
    }
    if (verdict) failures.push({ index, group: testCase.group, argv, kind: verdict.kind, folder: saveFailure(opts.out, index, testCase, argv, verdict) });
    if ((index + 1) % Math.max(1, Math.floor(opts.cases / 10)) === 0) {
      realWrite.err(`fuzz: ${index + 1}/${opts.cases} cases, ${failures.length} failure(s), ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  }
  for (const g of Object.values(groups)) {
    g.ms = Math.round(g.ms);
    g.messages = Object.fromEntries(Object.entries(g.messages).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 12));
  }
  fs.rmSync(path.join(opts.out, 'current.json'), { force: true });
  const summary = { seed: opts.seed, cases: cases.length, spawned, jitCompared: counters.jitCompared, seconds: (Date.now() - started) / 1000, groups, failures };
  realWrite.out(JSON.stringify(summary, null, 2) + '\n');
  if (failures.length > 0) {
    realWrite.err(`fuzz: ${failures.length} failure(s) with seed ${opts.seed}; each case is saved with a repro.sh:\n`);
    for (const f of failures) realWrite.err(`  #${f.index} ${f.group} ${f.kind}: ${f.folder}\n`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  realWrite.err(`fuzz harness: ${err && err.message}\n`);
  process.exitCode = 2;
});
