// The io library (lib_io.c) over the program's standard streams: io.write/read/lines, the
// io.stdout/io.stderr/io.stdin file objects and their methods, io.input/io.output/io.type.
// stdout is the program's output; stderr goes to the embedder's error output; stdin is read
// whole through the host on first use. Opening files for reading goes through the host too;
// writing files is not modelled.
import { formatNumber, parseNumber } from '../numfmt';
import { LuaString, LuaUserdata } from '../value';
import type { BuiltinCall, LuaValue } from '../value';
import { argTypeName, checkInt } from './args';
import type { Library } from './library';

interface OpenFile {
  readonly name: string;
  readonly write?: (text: string) => void;
  /** Text not read yet (input files). */
  input?: { text: string; pos: number };
  closed: boolean;
}

/** The part of a *n read that can be a number (lua_Number scanning: decimal, hex, exponent). */
const NUMBER_PREFIX = /^[ \t\n\r\f\v]*[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

export const ioLibrary: Library = (vm) => {
  const str = (s: string) => vm.heap.str(s);
  const files = new Map<LuaUserdata, OpenFile>();
  const methods = vm.heap.table();
  const fileMeta = vm.heap.table();
  const newFile = (file: OpenFile): LuaUserdata => {
    const u = vm.heap.userdata();
    u.metatable = fileMeta;
    files.set(u, file);
    return u;
  };
  const stdin: OpenFile = { name: 'stdin', closed: false };
  const stdout = newFile({ name: 'stdout', write: (t) => vm.write(t), closed: false });
  const stderr = newFile({ name: 'stderr', write: (t) => vm.writeError(t), closed: false });
  const stdinFile = newFile(stdin);
  let output = stdout;
  let input = stdinFile;

  const fileArg = (v: LuaValue, call: BuiltinCall): OpenFile => {
    const f = v instanceof LuaUserdata ? files.get(v) : undefined;
    if (!f) return call.argError(1, `FILE* expected, got ${argTypeName([v], 0)}`);
    if (f.closed) return call.error(str('attempt to use a closed file'), 1);
    return f;
  };
  const writeValues = (f: OpenFile, args: readonly LuaValue[], first: number, call: BuiltinCall): LuaValue | LuaValue[] => {
    if (!f.write) return [undefined, str('Bad file descriptor'), 9];
    for (let i = first; i < args.length; i++) {
      const v = args[i];
      if (v instanceof LuaString) f.write(v.s);
      else if (typeof v === 'number') f.write(formatNumber(v));
      else return call.argError(i + 1, `string expected, got ${argTypeName(args, i)}`);
    }
    return true;
  };
  const readValues = (f: OpenFile, args: readonly LuaValue[], first: number, call: BuiltinCall): LuaValue[] => {
    if (f === stdin && !stdin.input) stdin.input = { text: vm.host.readStdin?.() ?? '', pos: 0 };
    const inp = f.input;
    if (!inp) return [undefined, str('Bad file descriptor'), 9];
    const formats = args.length > first ? args.slice(first) : [str('*l')];
    const out: LuaValue[] = [];
    for (let i = 0; i < formats.length; i++) {
      const fmt = formats[i];
      let v: LuaValue;
      if (typeof fmt === 'number') {
        const n = checkInt(formats, i, call);
        if (inp.pos >= inp.text.length && n >= 0) v = undefined;
        else {
          v = str(inp.text.slice(inp.pos, inp.pos + Math.max(n, 0)));
          inp.pos += Math.max(n, 0);
        }
      } else {
        const spec = fmt instanceof LuaString ? fmt.s.replace(/^\*/, '') : '';
        if (spec.startsWith('n')) {
          const m = NUMBER_PREFIX.exec(inp.text.slice(inp.pos));
          if (m) {
            inp.pos += m[0].length;
            v = parseNumber(m[0]);
          } else v = undefined;
        } else if (spec.startsWith('l') || spec.startsWith('L')) {
          if (inp.pos >= inp.text.length) v = undefined;
          else {
            const nl = inp.text.indexOf('\n', inp.pos);
            const end = nl < 0 ? inp.text.length : nl;
            v = str(inp.text.slice(inp.pos, spec.startsWith('L') && nl >= 0 ? end + 1 : end));
            inp.pos = nl < 0 ? end : end + 1;
          }
        } else if (spec.startsWith('a')) {
          v = str(inp.text.slice(inp.pos));
          inp.pos = inp.text.length;
        } else return call.argError(i + 1 + first, 'invalid format');
      }
      out.push(v);
      if (v === undefined) break;
    }
    return out;
  };
  const linesIterator = (f: OpenFile) =>
    vm.heap.builtin('io.lines_aux', (_args, call) => readValues(f, [str('*l')], 0, call)[0]);

  methods.set(str('write'), vm.heap.builtin('io.file.write', (args, call) => writeValues(fileArg(args[0], call), args, 1, call)));
  methods.set(str('read'), vm.heap.builtin('io.file.read', (args, call) => readValues(fileArg(args[0], call), args, 1, call)));
  methods.set(str('lines'), vm.heap.builtin('io.file.lines', (args, call) => linesIterator(fileArg(args[0], call))));
  methods.set(str('flush'), vm.heap.builtin('io.file.flush', (args, call) => (fileArg(args[0], call), true)));
  methods.set(str('setvbuf'), vm.heap.builtin('io.file.setvbuf', (args, call) => (fileArg(args[0], call), true)));
  methods.set(str('close'), vm.heap.builtin('io.file.close', (args, call) => {
    const f = fileArg(args[0], call);
    if (f.write) return [undefined, str('cannot close standard file')];
    f.closed = true;
    return true;
  }));
  methods.set(str('seek'), vm.heap.builtin('io.file.seek', () => vm.notSupported('file:seek')));
  fileMeta.set(str('__index'), methods);
  fileMeta.set(str('__tostring'), vm.heap.builtin('io.file.__tostring', (args) => {
    const u = args[0] as LuaUserdata;
    return str(files.get(u)?.closed ? 'file (closed)' : `file (0x${(0x40000000 + u.handle * 0x40).toString(16).padStart(8, '0')})`);
  }));

  return {
    functions: {
      write: (args, call) => writeValues(files.get(output)!, args, 0, call),
      read: (args, call) => readValues(files.get(input)!, args, 0, call),
      lines: (args, call) => {
        if (args[0] === undefined) return linesIterator(files.get(input)!);
        return vm.notSupported('io.lines(filename)');
      },
      type: (args) => {
        const f = args[0] instanceof LuaUserdata ? files.get(args[0]) : undefined;
        return f ? str(f.closed ? 'closed file' : 'file') : undefined;
      },
      output: (args, call) => {
        if (args[0] !== undefined) {
          if (!(args[0] instanceof LuaUserdata) || !files.get(args[0])?.write) return vm.notSupported('io.output(filename)');
          fileArg(args[0], call);
          output = args[0];
        }
        return output;
      },
      input: (args, call) => {
        if (args[0] !== undefined) {
          if (!(args[0] instanceof LuaUserdata) || !files.get(args[0])) return vm.notSupported('io.input(filename)');
          fileArg(args[0], call);
          input = args[0];
        }
        return input;
      },
      open: (args, call) => {
        const name = args[0] instanceof LuaString ? args[0].s : call.argError(1, `string expected, got ${argTypeName(args, 0)}`);
        const mode = args[1] instanceof LuaString ? args[1].s : 'r';
        if (!/^rb?$/.test(mode)) return vm.notSupported(`io.open in mode '${mode}' (files are read-only here)`);
        const text = vm.host.readFile?.(name);
        if (text === undefined) return [undefined, str(`${name}: No such file or directory`), 2];
        return newFile({ name, input: { text, pos: 0 }, closed: false });
      },
      close: (args, call) => {
        const f = fileArg(args[0] ?? output, call);
        if (f.write) return [undefined, str('cannot close standard file')];
        f.closed = true;
        return true;
      },
      flush: () => true,
      popen: () => vm.notSupported('io.popen'),
      tmpfile: () => vm.notSupported('io.tmpfile'),
    },
    values: { stdout, stderr, stdin: stdinFile },
  };
};
