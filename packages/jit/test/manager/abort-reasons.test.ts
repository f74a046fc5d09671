// The LJ_TRERR_* table against the reference's §2.6 list (transcribed below in its order, which is
// lj_traceerr.h's), the %s/%d formatting, and the TraceAbort error the recorder throws.
import { TRACE_ERRORS, TraceAbort, formatAbortMessage, traceErrorNumber } from '@tracesim/jit';

// luajit-trace-mechanics.md §2.6, grouped as there.
const REFERENCE: [string, string][] = [
  ['RECERR', 'error thrown or hook called during recording'], ['TRACEUV', 'trace too short'],
  ['TRACEOV', 'trace too long'], ['STACKOV', 'trace too deep'], ['SNAPOV', 'too many snapshots'],
  ['BLACKL', 'blacklisted'], ['RETRY', 'retry recording'], ['NYIBC', 'NYI: bytecode %s'],
  ['LLEAVE', 'leaving loop in root trace'], ['LINNER', 'inner loop in root trace'], ['LUNROLL', 'loop unroll limit reached'],
  ['BADTYPE', 'bad argument type'], ['CJITOFF', 'JIT compilation disabled for function'],
  ['CUNROLL', 'call unroll limit reached'], ['DOWNREC', 'down-recursion, restarting'],
  ['NYIFFU', 'NYI: unsupported variant of FastFunc %s'], ['NYIRETL', 'NYI: return to lower frame'],
  ['STORENN', 'store with nil or NaN key'], ['NOMM', 'missing metamethod'], ['IDXLOOP', 'looping index lookup'],
  ['NYITMIX', 'NYI: mixed sparse/dense table'],
  ['NOCACHE', 'symbol not in cache'], ['NYICONV', 'NYI: unsupported C type conversion'],
  ['NYICALL', 'NYI: unsupported C function type'],
  ['GFAIL', 'guard would always fail'], ['PHIOV', 'too many PHIs'], ['TYPEINS', 'persistent type instability'],
  ['MCODEAL', 'failed to allocate mcode memory'], ['MCODEOV', 'machine code too long'],
  ['MCODELM', 'hit mcode limit (retrying)'], ['SPILLOV', 'too many spill slots'],
  ['BADRA', 'inconsistent register allocation'], ['NYIIR', 'NYI: cannot assemble IR instruction %d'],
  ['NYIPHI', 'NYI: PHI shuffling too complex'], ['NYICOAL', 'NYI: register coalescing too complex'],
];

test('every reason and message of the reference, in enum order', () => {
  expect(TRACE_ERRORS.map(([n, m]) => [n, m])).toEqual(REFERENCE);
  REFERENCE.forEach(([name], i) => expect(traceErrorNumber(name as (typeof TRACE_ERRORS)[number][0])).toBe(i));
});

test('messages without an argument print as they are', () => {
  expect(formatAbortMessage('DOWNREC')).toBe('down-recursion, restarting');
  expect(formatAbortMessage('LLEAVE')).toBe('leaving loop in root trace');
});

test('%s takes a string, %d an integer', () => {
  expect(formatAbortMessage('NYIBC', 'FNEW')).toBe('NYI: bytecode FNEW');
  expect(formatAbortMessage('NYIFFU', 'math.modf')).toBe('NYI: unsupported variant of FastFunc math.modf');
  expect(formatAbortMessage('NYIIR', 42)).toBe('NYI: cannot assemble IR instruction 42');
});

test('TraceAbort carries reason, formatted message, argument and location', () => {
  const err = new TraceAbort('NYIBC', 'abort.lua:2', 'FNEW');
  expect(err).toBeInstanceOf(Error);
  expect(err).toMatchObject({ name: 'TraceAbort', reason: 'NYIBC', info: 'FNEW', location: 'abort.lua:2', message: 'NYI: bytecode FNEW' });
  const plain = new TraceAbort('LINNER', 'loop.lua:7');
  expect(plain).toMatchObject({ reason: 'LINNER', info: undefined, location: 'loop.lua:7', message: 'inner loop in root trace' });
});
