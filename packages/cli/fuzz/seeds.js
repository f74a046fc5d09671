// The fuzz harness's seed inputs, read from the repository's own fixtures: Lua programs
// (corpus, decisions, conformance, bench, memory), trace files, real -jdump listings, and
// assembly text taken from those listings' mcode sections.
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..', '..');

function filesIn(dir, ext, recursive = false) {
  const full = path.join(ROOT, dir);
  if (!fs.existsSync(full)) throw new Error(`fuzz seeds: ${dir} is missing`);
  const out = [];
  for (const entry of fs.readdirSync(full, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory() && recursive) out.push(...filesIn(rel, ext, true));
    else if (entry.isFile() && entry.name.endsWith(ext)) out.push({ name: rel, text: fs.readFileSync(path.join(ROOT, rel), 'latin1') });
  }
  return out;
}

/**
 * Instruction text from a dump's mcode lines (`ADDR  insn\t->exit`), twenty lines a seed.
 * Absolute branch targets are moved near address 0, where `tracesim asm` places its first byte.
 */
function assemblySeeds(dumps) {
  const seeds = [];
  for (const dump of dumps) {
    const lines = dump.text.split('\n').map((l) => /^([0-9a-f]{8,})\s+(.+?)(\t.*)?$/.exec(l)).filter(Boolean);
    for (let i = 0; i < lines.length; i += 20) {
      const chunk = lines.slice(i, i + 20);
      const base = BigInt(`0x${chunk[0][1]}`);
      const text = chunk.map((m) => m[2].replace(/0x[0-9a-f]{9,}/g, (t) => `0x${(BigInt(t) - base + 0x40000000n).toString(16)}`)).join('\n');
      seeds.push({ name: `${dump.name}#${i}`, text });
    }
  }
  return seeds;
}

function loadSeeds() {
  const dump = [...filesIn('fixtures/corpus', '.jdump'), ...filesIn('fixtures/lint', '.jdump')];
  return {
    lua: [
      ...filesIn('fixtures/corpus', '.lua'),
      ...filesIn('fixtures/decisions', '.lua'),
      ...filesIn('fixtures/bench', '.lua'),
      ...filesIn('packages/lua/test/conformance/cases', '.lua'),
      ...filesIn('packages/cli/test/fixtures/memory', '.lua'),
    ],
    trace: [...filesIn('examples', '.trace', true), ...filesIn('packages/ir/examples', '.trace')],
    dump,
    asm: assemblySeeds(dump),
  };
}

module.exports = { loadSeeds, ROOT };
