import { el, setText } from '../shared/dom.js';
import { DELIVERY_STATUS_LABELS } from '../shared/status-labels.js';
import type { WaitingReport } from './report-outbox.js';

const clock = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Consecutive positions read as one line; statuses one line each, in the order they go out. */
export function describeWaiting(reports: readonly WaitingReport[]): string[] {
  const lines: string[] = [];
  let positions: WaitingReport[] = [];
  const flush = () => {
    if (!positions.length) return;
    const first = clock(positions[0]!.payload.at);
    const last = clock(positions[positions.length - 1]!.payload.at);
    lines.push(positions.length === 1 ? `Position (${first})` : `${positions.length} positions (${first}${first === last ? '' : `–${last}`})`);
    positions = [];
  };
  for (const report of reports) {
    if (report.kind === 'location') {
      positions.push(report);
      continue;
    }
    flush();
    lines.push(`${DELIVERY_STATUS_LABELS[report.payload.status]} · ${report.orderNumber} (${clock(report.payload.at)})`);
  }
  flush();
  return lines;
}

/** What is kept on this phone, not yet sent; hidden when nothing waits. `data-count` for tests. */
export function createWaitingView(): { element: HTMLElement; render(reports: readonly WaitingReport[], live: boolean): void } {
  const heading = el('h2', { id: 'waiting-heading', class: 'card-title' });
  const note = el('p', { class: 'muted small' });
  const list = el('ul', { class: 'waiting-list' });
  const element = el(
    'section',
    { class: 'card waiting', 'aria-labelledby': 'waiting-heading', 'data-testid': 'waiting', 'data-count': '0' },
    heading,
    note,
    list,
  );
  element.hidden = true;

  return {
    element,
    render(reports, live) {
      element.dataset.count = String(reports.length);
      element.hidden = reports.length === 0;
      if (element.hidden) return;
      setText(heading, `Waiting to send (${reports.length})`);
      setText(note, live ? 'Sending now, in order.' : 'Kept on this phone. They go out by themselves, in order, when the connection is back.');
      const lines = describeWaiting(reports);
      list.replaceChildren(...lines.map((line) => el('li', {}, line)));
    },
  };
}
