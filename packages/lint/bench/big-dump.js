// Builds a large -jdump from real ones: the given dumps repeated `copies` times, each copy's
// traces renumbered past the previous copy's (headers, parents, root links and the head's
// vmstate store), so the result reads as one long LuaJIT session with thousands of traces.
const TRACE_LINE = /^---- TRACE (\d+) /;

function renumber(text, base) {
  const shift = (n) => String(Number(n) + base);
  let current = 0;
  return text.split('\n').map((line) => {
    const trace = TRACE_LINE.exec(line);
    if (trace) {
      current = Number(trace[1]);
      return line
        .replace(TRACE_LINE, (_, n) => `---- TRACE ${shift(n)} `)
        .replace(/ start (\d+)\/(\d+|stitch) /, (_, p, e) => ` start ${shift(p)}/${e} `)
        .replace(/ stop -> (\d+)$/, (_, n) => ` stop -> ${shift(n)}`);
    }
    const vmstate = /^([0-9a-f]+ {2}mov dword \[r14[-+]0x[0-9a-f]+\], )0x([0-9a-f]+)$/.exec(line);
    if (vmstate && parseInt(vmstate[2], 16) === current) return `${vmstate[1]}0x${(current + base).toString(16)}`;
    return line;
  }).join('\n');
}

/** The highest trace number in a dump. */
function maxTrace(text) {
  let max = 0;
  for (const m of text.matchAll(/^---- TRACE (\d+) /gm)) max = Math.max(max, Number(m[1]));
  return max;
}

function bigDump(dumps, copies) {
  const parts = [];
  let base = 0;
  for (let c = 0; c < copies; c++) {
    for (const text of dumps) {
      parts.push(renumber(text, base));
      base += maxTrace(text);
    }
  }
  return parts.join('\n');
}

module.exports = { bigDump };
