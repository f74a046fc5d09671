// The -jv agreement metric: two trace logs lined up in order (row i holds the i-th trace line
// of each), each row judged on the fields that define the trace shape. A completed trace agrees
// on trace number, start line, parent, exit, link kind and link target; an abort on its reason.

import type { JvAbort, JvEntry, JvTrace } from './jv-log';

/** A compared field; `kind` means one line is a trace and the other an abort (or a flush). */
export type JvField = 'kind' | 'trace' | 'start' | 'parent' | 'exit' | 'link' | 'target' | 'reason';

type Fields<E> = readonly (readonly [JvField, (e: E) => number | string | null])[];

const TRACE_FIELDS: Fields<JvTrace> = [
  ['trace', (e) => e.trace],
  ['start', (e) => e.start.line],
  ['parent', (e) => e.origin?.parent ?? null],
  ['exit', (e) => e.origin?.exit ?? null],
  ['link', (e) => e.link.kind],
  ['target', (e) => e.link.target],
];

const ABORT_FIELDS: Fields<JvAbort> = [['reason', (e) => e.reason]];

export type JvRow =
  | { readonly row: number; readonly status: 'agree'; readonly expected: JvEntry; readonly actual: JvEntry }
  | {
      readonly row: number;
      readonly status: 'differ';
      readonly expected: JvEntry;
      readonly actual: JvEntry;
      /** In the order kind, trace, start, parent, exit, link, target, reason. */
      readonly fields: readonly JvField[];
    }
  | { readonly row: number; readonly status: 'missing'; readonly expected: JvEntry }
  | { readonly row: number; readonly status: 'extra'; readonly actual: JvEntry };

export interface JvAgreement {
  /** One per row, `row` counting from 1. */
  readonly rows: readonly JvRow[];
  /** `total` = rows (the longer log's length); `identical` when every row agrees. */
  readonly summary: { readonly agreed: number; readonly total: number; readonly identical: boolean };
}

function differingFields(a: JvEntry, b: JvEntry): JvField[] {
  const differ = <E>(fields: Fields<E>, x: E, y: E): JvField[] =>
    fields.filter(([, get]) => get(x) !== get(y)).map(([name]) => name);
  if (a.kind !== b.kind) return ['kind'];
  if (a.kind === 'trace') return differ(TRACE_FIELDS, a, b as JvTrace);
  if (a.kind === 'abort') return differ(ABORT_FIELDS, a, b as JvAbort);
  return [];
}

/** Compares an expected log (e.g. LuaJIT's) with an actual one (e.g. tracesim's), row by row. */
export function compareJvLogs(expected: readonly JvEntry[], actual: readonly JvEntry[]): JvAgreement {
  const rows: JvRow[] = [];
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const row = i + 1;
    if (i >= actual.length) rows.push({ row, status: 'missing', expected: expected[i] });
    else if (i >= expected.length) rows.push({ row, status: 'extra', actual: actual[i] });
    else {
      const fields = differingFields(expected[i], actual[i]);
      rows.push(
        fields.length === 0
          ? { row, status: 'agree', expected: expected[i], actual: actual[i] }
          : { row, status: 'differ', expected: expected[i], actual: actual[i], fields },
      );
    }
  }
  const agreed = rows.filter((r) => r.status === 'agree').length;
  return { rows, summary: { agreed, total: rows.length, identical: agreed === rows.length } };
}
