#!/usr/bin/env node
// Makes docs/issue1169-report.png, the README's picture of the #1169 report: writes
// `tracesim demo issue1169 --html` to a temporary file, opens it in Debian's chromium (headless,
// playwright-core) and takes the top of the page, where the narrative, both trace graphs and the
// selected side trace are. Run after `npx tsc -b`; chromium comes from scripts/check-tools.sh.
const { execFileSync } = require('child_process');
const { mkdtempSync } = require('fs');
const { tmpdir } = require('os');
const { join } = require('path');
const { chromium } = require('playwright-core');

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'docs/issue1169-report.png');

(async () => {
  const html = join(mkdtempSync(join(tmpdir(), 'tracesim-shot-')), 'issue1169.html');
  execFileSync('node', [join(ROOT, 'packages/cli/bin/tracesim.js'), 'demo', 'issue1169', '--html', html], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  const browser = await chromium.launch({ executablePath: process.env.TRACESIM_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 1250 } });
  await page.goto('file://' + html);
  await page.waitForSelector('body[data-ready="true"]');
  await page.screenshot({ path: OUT });
  await browser.close();
  process.stdout.write(`wrote ${OUT}\n`);
})().catch((err) => {
  process.stderr.write(`readme-screenshot: ${err.message}\n`);
  process.exit(1);
});
