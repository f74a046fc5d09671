// The fuzz case table: for each tracesim command, a fast-check arbitrary of command lines
// (mutated or random inputs written to files, plus random values for every flag). A case is
// plain data, `{ group, argv, files }`, with `files` mapping a name in the case folder to text.
const fc = require('fast-check');
const { mutatedLua, mutatedText, randomLua, junkText } = require('./mutate');

/** Values no option expects: every flag gets some of these as well as its valid ones. */
const JUNK = ['', '-1', '0', 'abc', '1e309', 'NaN', '0x10', '99999999999999999999', '=', ' ', '-', '1,2', 'Infinity', '-0', '3.7', '\u00e9'];
const junk = fc.constantFrom(...JUNK);

/** Steps every run keeps to, so a mutated endless loop ends quickly (the flag is fuzzed too). */
const RUN_STEPS = '100000';

const smallInt = mostly(fc.integer({ min: 0, max: 40 }).map(String));
const boundedSteps = mostly(fc.integer({ min: 0, max: 200000 }).map(String));

/** An optional flag, absent three times in four, else `--name value` with a value from `values`. */
function flag(name, values) {
  return fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: values.map((v) => [name, v]) });
}

/** A flag's valid values nine times in ten, else junk. */
function mostly(valid) {
  return fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: junk });
}

/** An optional boolean switch. */
function toggle(name) {
  return fc.constantFrom([], [name]);
}

const JDUMP_LETTERS = 'tbimrsxaTAHX';
const jdumpSpec = fc.oneof(
  fc.stringMatching(new RegExp(`^[+-]?[${JDUMP_LETTERS}]{0,5}$`)),
  fc.constantFrom('+rsX', '-m', 'tbimrs', 'Z', '+', ',', 'tx,'),
);
const JIT_PARAMS = ['hotloop', 'hotexit', 'maxside', 'tryside', 'recunroll', 'maxmcode', 'maxtrace', 'maxrecord', 'maxirconst',
  'maxsnap', 'sizemcode', 'instunroll', 'loopunroll', 'callunroll'];
const validJitOption = fc.oneof(
  fc.tuple(fc.constantFrom(...JIT_PARAMS), fc.integer({ min: 0, max: 70 }).map(String)).map(([p, v]) => `${p}=${v}`),
  fc.constantFrom('0', '1', '2', '3', '4', '-fold', '+cse', '-loop', 'fma', '-dce,-sink', 'hotloop=1', 'hotloop=1,hotexit=1', 'maxside=1', 'maxmcode=1'),
);
const jitOption = fc.oneof(
  { weight: 8, arbitrary: validJitOption },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...JIT_PARAMS), fc.constantFrom('-1', '1000000', '1e9', 'x', '')).map(([p, v]) => `${p}=${v}`) },
  { weight: 1, arbitrary: junk },
);
const jitOptions = (item) => fc.array(item, { minLength: 1, maxLength: 3 }).map((opts) => opts.join(','));

const validJdump = fc.tuple(fc.constantFrom('', '+', '-'), fc.stringMatching(/^[tbimrsxX]{0,4}$/)).map(([sign, letters]) => `${sign}${letters},@prog.jdump`);
const anyJdump = fc.tuple(jdumpSpec, fc.boolean()).map(([spec, toFile]) => `${spec}${toFile ? ',@prog.jdump' : ''}`);

/** A `run` case whose flag values come through `value` (all valid, or mostly valid). */
function runCase(lua, value) {
  return fc.record({
    source: lua,
    jit: flag('--jit', value(fc.constantFrom('on', 'off'))),
    jv: toggle('-jv'),
    jdump: flag('-jdump', value === mostly ? anyJdump : validJdump).map((f) => (f.length ? [`-jdump=${f[1]}`] : [])),
    O: flag('-O', value === mostly ? jitOptions(jitOption) : jitOptions(validJitOption)),
    regs: flag('--regs', value(fc.integer({ min: 2, max: 16 }).map(String))),
    policy: flag('--policy', value(fc.constantFrom('fixed', 'luajit-2022'))),
    onViolation: flag('--on-violation', value(fc.constantFrom('stop', 'continue'))),
    json: fc.constantFrom([], [], [], ['--json']),
    steps: fc.oneof({ weight: 6, arbitrary: fc.constant(['--max-steps', RUN_STEPS]) }, { weight: 1, arbitrary: value(fc.integer({ min: 1, max: 200000 }).map(String)).map((v) => ['--max-steps', v]) }),
    memory: fc.oneof({ weight: 4, arbitrary: fc.constant(['--max-memory', '32M']) }, { weight: 1, arbitrary: value(fc.constantFrom('600K', '1M', '2M', '16M', '1G', '1.5M')).map((v) => ['--max-memory', v]) }),
    scriptArgs: fc.array(fc.oneof(fc.constantFrom('1', '100', 'x', '-5'), junk), { maxLength: 2 }),
  }).map((c) => ({
    argv: ['run', '@prog.lua', ...c.jit, ...c.jv, ...c.jdump, ...c.O,
      ...c.regs, ...c.policy, ...c.onViolation, ...c.json, ...c.steps, ...c.memory, ...(c.scriptArgs.length ? ['--', ...c.scriptArgs] : [])],
    files: { 'prog.lua': c.source },
  }));
}

/** Each command's inputs and flags; weights follow how much surface a command has. */
function caseTable(seeds) {
  const lua = fc.oneof(
    { weight: 5, arbitrary: mutatedLua(seeds.lua) },
    { weight: 3, arbitrary: fc.constantFrom(...seeds.lua.map((s) => s.text)) },
    { weight: 1, arbitrary: randomLua },
    { weight: 1, arbitrary: junkText },
  );
  const traceText = fc.oneof({ weight: 6, arbitrary: mutatedText(seeds.trace) }, { weight: 1, arbitrary: junkText });
  const dumpText = fc.oneof({ weight: 6, arbitrary: mutatedText(seeds.dump) }, { weight: 1, arbitrary: junkText });
  const asmText = fc.oneof({ weight: 6, arbitrary: mutatedText(seeds.asm) }, { weight: 1, arbitrary: junkText });
  const hexBytes = fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 48 }).map((b) => Buffer.from(b).toString('hex')) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ')) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-fA-FxX g-]{0,40}$/) },
  );
  const address = fc.oneof(fc.constantFrom('0', '0x1000', '0x7fffffffffff', '0xffffffffffffffff', '0x10000000000000000', '-16'), junk);
  const format = flag('--format', mostly(fc.constantFrom('text', 'json', 'junit', 'tap')));
  const regsFlag = flag('--regs', smallInt);
  const policy = flag('--policy', mostly(fc.constantFrom('fixed', 'luajit-2022')));
  const onViolation = flag('--on-violation', mostly(fc.constantFrom('stop', 'continue')));

  return {
    // Three runs in four get only valid flag values, so most reach the JIT; the rest may get junk.
    run: fc.oneof({ weight: 3, arbitrary: runCase(lua, (valid) => valid) }, { weight: 1, arbitrary: runCase(lua, mostly) }),
    bc: lua.map((source) => ({ argv: ['bc', '@prog.lua'], files: { 'prog.lua': source } })),
    replay: fc.record({ text: traceText, listing: toggle('--listing'), json: toggle('--json'), policy, onViolation, regs: regsFlag })
      .map((c) => ({ argv: ['replay', '@t.trace', ...c.listing, ...c.json, ...c.policy, ...c.onViolation, ...c.regs], files: { 't.trace': c.text } })),
    check: fc.record({ trace: traceText, dump: dumpText, both: fc.boolean(), format, regs: regsFlag })
      .map((c) => ({
        argv: ['check', '@t.trace', ...(c.both ? ['@d.jdump'] : []), ...c.format, ...c.regs],
        files: { 't.trace': c.trace, 'd.jdump': c.dump },
      })),
    lint: fc.record({ dump: dumpText, format })
      .map((c) => ({ argv: ['lint', '@d.jdump', ...c.format], files: { 'd.jdump': c.dump } })),
    asm: fc.record({ text: asmText, inline: fc.boolean(), at: flag('--at', address) })
      .map((c) => ({ argv: c.inline ? ['asm', c.text.replace(/\n/g, '; '), ...c.at] : ['asm', '--file', '@a.s', ...c.at], files: { 'a.s': c.text } })),
    disasm: fc.record({ hex: hexBytes, at: flag('--at', address), example: fc.constantFrom([], [], [], ['--example']) })
      .map((c) => ({ argv: ['disasm', c.hex, ...c.at, ...c.example], files: {} })),
    exec: fc.record({
      hex: hexBytes,
      regs: fc.array(fc.tuple(fc.oneof(fc.constantFrom('rax', 'rsp', 'rdi', 'r15', 'eax', 'rflags', 'rip'), junk), fc.oneof(fc.constantFrom('0', '0x10', '-1', '0xffffffffffffffff', '0x1ffffffffffffffff'), junk)).map(([r, v]) => ['--reg', `${r}=${v}`]), { maxLength: 2 }),
      xmm: fc.array(fc.tuple(fc.oneof(fc.constantFrom('0', '7', '15', '16'), junk), hexBytes).map(([n, h]) => ['--xmm', `${n}=${h}`]), { maxLength: 1 }),
      memReg: flag('--mem-reg', fc.oneof(fc.constantFrom('rdi', 'rsp', 'rax', 'xmm0'), junk)),
      mem: flag('--mem', hexBytes),
      steps: flag('--steps', boundedSteps),
      json: toggle('--json'),
    }).map((c) => ({ argv: ['exec', '--hex', c.hex, ...c.regs.flat(), ...c.xmm.flat(), ...c.memReg, ...c.mem, ...c.steps, ...c.json], files: {} })),
    demo: fc.record({ name: fc.option(fc.oneof(fc.constantFrom('issue1169-mcode'), junk), { nil: undefined }), list: toggle('--list') })
      .map((c) => ({ argv: ['demo', ...(c.name === undefined ? [] : [c.name]), ...c.list], files: {} })),
    argv: fc.array(fc.oneof(
      fc.constantFrom('run', 'bc', 'asm', 'disasm', 'exec', 'demo', 'replay', 'check', 'lint', 'help', '--help', '-h', '--version', '-jv', '-O', '--json', '--', '-x', '--nope', '@prog.lua'),
      junk,
    ), { maxLength: 5 }).map((argv) => ({ argv, files: { 'prog.lua': 'print(1)' } })),
  };
}

/** How many of each hundred cases a command gets. */
const CASE_WEIGHTS = { run: 40, bc: 8, replay: 12, check: 8, lint: 10, asm: 6, disasm: 5, exec: 6, demo: 1, argv: 4 };

/** All cases as one arbitrary, each tagged with its command group. */
function fuzzCase(seeds) {
  const table = caseTable(seeds);
  return fc.oneof(...Object.entries(CASE_WEIGHTS).map(([group, weight]) => ({
    weight,
    arbitrary: table[group].map((c) => ({ group, ...c })),
  })));
}

module.exports = { fuzzCase, CASE_WEIGHTS };
