// Reading a JIT parameter by the name a user or a log spells (`hotexit`), on top of lua's
// JIT_PARAMS table; an unknown name is a JitOptionError at the caller's location.
import { JIT_PARAMS, JitOptionError, type JitParamName, type JitParams } from '@tracesim/lua';

export function isJitParamName(name: string): name is JitParamName {
  return JIT_PARAMS.some((p) => p[0] === name);
}

export function jitParam(params: Readonly<JitParams>, name: string, location: string): number {
  if (!isJitParamName(name)) throw new JitOptionError(location, `unknown JIT parameter '${name}'`);
  return params[name];
}
