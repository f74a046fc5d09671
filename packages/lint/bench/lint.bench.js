// `tracesim lint` throughput on a large real dump: the corpus's Debian -jdump listings repeated
// into one session of thousands of traces (big-dump.js), linted in process; the median of 5
// passes in MB/s and traces/s. Needs `tsc -b` first (reads dist/).
const fs = require('fs');
const path = require('path');
const { lintDump } = require('../dist/index.js');
const { bigDump } = require('./big-dump');

const corpus = path.join(__dirname, '../../../fixtures/corpus');
const dumps = fs.readdirSync(corpus).filter((f) => f.endsWith('.jdump')).sort().map((f) => fs.readFileSync(path.join(corpus, f), 'utf8'));
const COPIES = 60;
const PASSES = 5;
const text = bigDump(dumps, COPIES);
const megabytes = Buffer.byteLength(text) / 1e6;

function pass() {
  const start = process.hrtime.bigint();
  const report = lintDump(text, 'big.jdump');
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, traces: report.traces.length, findings: report.findings.length };
}

pass();
const runs = Array.from({ length: PASSES }, pass).sort((a, b) => a.seconds - b.seconds);
const median = runs[Math.floor(PASSES / 2)];
console.log(`lint of one ${megabytes.toFixed(1)} MB dump: ${median.traces} traces, ${median.findings} findings (the #1169 trace of each copy)`);
console.log(`median of ${PASSES}: ${median.seconds.toFixed(3)} s, ${(megabytes / median.seconds).toFixed(1)} MB/s, ${Math.round(median.traces / median.seconds)} traces/s`);
