// Public API of @tracesim/machine: the address map, the TValue encoding and the seeded random source.
export * from './layout';
export * from './tvalue';
export * from './random';
