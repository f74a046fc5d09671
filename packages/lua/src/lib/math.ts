// The math library (lib_math.c).
import { checkNumber } from './args';
import type { Library } from './library';

export const mathLibrary: Library = () => ({
  functions: {
    floor: (args, call) => Math.floor(checkNumber(args, 0, call)),
    ceil: (args, call) => Math.ceil(checkNumber(args, 0, call)),
    abs: (args, call) => Math.abs(checkNumber(args, 0, call)),
    sqrt: (args, call) => Math.sqrt(checkNumber(args, 0, call)),
    min: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        if (v < m) m = v;
      }
      return m;
    },
    max: (args, call) => {
      let m = checkNumber(args, 0, call);
      for (let i = 1; i < args.length; i++) {
        const v = checkNumber(args, i, call);
        if (v > m) m = v;
      }
      return m;
    },
    modf: (args, call) => {
      const x = checkNumber(args, 0, call);
      const ip = x >= 0 ? Math.floor(x) : Math.ceil(x);
      return [ip, Number.isFinite(x) ? x - ip : 0];
    },
    fmod: (args, call) => checkNumber(args, 0, call) % checkNumber(args, 1, call),
  },
  values: { huge: Infinity, pi: Math.PI },
});
