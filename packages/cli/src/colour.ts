// Colour for people: chalk 4, switched off by NO_COLOR or a non-terminal stdout.
import chalk from 'chalk';

const enabled = !('NO_COLOR' in process.env) && (process.stdout.isTTY ?? false);
const c = new chalk.Instance({ level: enabled ? 1 : 0 });

export const paint = {
  error: (s: string) => c.red.bold(s),
  warn: (s: string) => c.yellow(s),
  good: (s: string) => c.green(s),
  dim: (s: string) => c.dim(s),
  strong: (s: string) => c.bold(s),
  address: (s: string) => c.cyan(s),
};
