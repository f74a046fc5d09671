// Paths of the recorded dumps the lint tests read: the corpus's Debian -jdump listings and the
// #1169 dumps that scripts/record-lint-dumps.sh records.
import * as fs from 'fs';
import * as path from 'path';

export const FIXTURES = path.resolve(__dirname, '../../../../fixtures');

export function fixture(relative: string): string {
  return fs.readFileSync(path.join(FIXTURES, relative), 'utf8');
}

/** `corpus/NAME.jdump` for every corpus program, sorted. */
export function corpusDumps(): string[] {
  return fs.readdirSync(path.join(FIXTURES, 'corpus')).filter((f) => f.endsWith('.jdump')).sort().map((f) => `corpus/${f}`);
}

/** The corpus program whose Debian run hits #1169 (the only one with a `.luajit.out`). */
export const ISSUE_1169_DUMP = 'corpus/issue1169_num17.jdump';

export const LINT_DUMPS = ['lint/lj-1169-repro.jdump', 'lint/issue1169_num17.jdump'];
