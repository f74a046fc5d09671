// One-line text for each interpreter event (deterministic; for listings, logs and test output).

import type { RestoredSlot, RunEvent } from './interpret';
import { describeWords } from './values';

function slots(restored: readonly RestoredSlot[]): string {
  return restored.map((s) => ` #${s.slot}=${describeWords(s.words)}`).join('');
}

export function formatRunEvent(e: RunEvent): string {
  switch (e.kind) {
    case 'enter':
      return `enter ${e.trace}`;
    case 'exit':
      return `exit ${e.trace}/${e.exit} count=${e.count} base=${e.base}${slots(e.restored)}`;
    case 'side':
      return `exit ${e.trace}/${e.exit} count=${e.count} -> side trace ${e.side}`;
    case 'link':
      return `link ${e.trace} -> ${e.to} ${e.link} base=${e.base}${slots(e.restored)}`;
    case 'interpreter':
      return `link ${e.trace} -> interpreter ${e.link} base=${e.base}${slots(e.restored)}`;
  }
}
