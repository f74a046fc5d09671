// The lint's typed input error: a dump that is cut, garbled or has nothing to check, with the
// `file:line:col` where reading stopped.
export class DumpInputError extends Error {
  constructor(
    readonly location: string,
    message: string,
  ) {
    super(message);
    this.name = 'DumpInputError';
  }
}
