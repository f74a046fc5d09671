// Public API of @tracesim/machine: the address map, the TValue encoding, the seeded random source and
// the C-semantics number operations.
export * from './layout';
export * from './tvalue';
export * from './random';
export * from './luanum';
export * from './table-hash';
export * from './string-hash';
