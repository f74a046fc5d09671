// Public API of @tracesim/machine: the address map and the TValue encoding.
export * from './layout';
export * from './tvalue';
