// Public API of @tracesim/jit: the replay engine (assembled traces run on cpu-sim under the
// host-stack monitor) and, later, the tracing JIT.
export {};
