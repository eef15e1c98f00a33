import { el } from '../shared/dom.js';
import type { ConsoleDeps } from './console-deps.js';
import { HOPS, type ReceiptRow, type ReceiptsModel } from './receipts-model.js';

/** How long new activity on the open order waits before its confirm times are fetched again (one request per service). */
const CONFIRMS_DEBOUNCE_MS = 300;
/** A row written this recently and still without its confirm time is asked for again (the confirm may come after everything else). */
const CONFIRMS_RETRY_WITHIN_MS = 15_000;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}
export const gapText = (ms: number) => (ms >= 10_000 ? `+${(ms / 1000).toFixed(1)} s` : `+${Math.round(ms)} ms`);

type TimeField = 'writtenAt' | 'confirmedAt' | 'brokerAt' | 'deviceAt';
/** Each time's gap is counted from `since` (see HOPS: the confirm and the broker's hop both follow the write). Also the replay's. */
export const HOP_CELLS: Array<{ hop: 'written' | 'confirmed' | 'broker' | 'device'; field: TimeField; since?: TimeField }> = [
  { hop: 'written', field: 'writtenAt' },
  { hop: 'confirmed', field: 'confirmedAt', since: 'writtenAt' },
  { hop: 'broker', field: 'brokerAt', since: 'writtenAt' },
  { hop: 'device', field: 'deviceAt', since: 'brokerAt' },
];

function cellOf(row: ReceiptRow, index: number): HTMLElement {
  const { hop, field, since } = HOP_CELLS[index]!;
  const at = row[field];
  const previous = since ? row[since] : undefined;
  if (hop === 'device' && row.watching === false) return el('td', { 'data-hop': hop, class: 'muted' }, 'no customer device is watching');
  if (at === undefined) return el('td', { 'data-hop': hop, class: 'muted' }, '…');
  return el(
    'td',
    { 'data-hop': hop, 'data-at': String(at) },
    clockTime(at),
    // A page's receipt can precede the notifier's PUBACK by a millisecond (see receipts-model.ts): shown as +0.
    previous !== undefined ? el('span', { class: 'muted' }, ` ${gapText(hop === 'device' ? Math.max(0, at - previous) : at - previous)}`) : null,
  );
}

function rowOf(row: ReceiptRow): HTMLElement {
  const what = `${row.kind === 'status' ? 'Status' : 'Rider report'} v${row.version}${row.type ? ` · ${row.type}` : ''}`;
  return el(
    'tr',
    { 'data-testid': 'receipt-row', 'data-kind': row.kind, 'data-version': String(row.version) },
    el('th', { scope: 'row' }, what),
    ...HOP_CELLS.map((_, i) => cellOf(row, i)),
  );
}

/**
 * Issue 17 point 1: the open order's status changes and rider reports with the four times each
 * passed (written, RabbitMQ confirmed, broker accepted the notifier's publish, first customer
 * device acknowledged) and the gaps, live. The confirm times come from the services (GET
 * /receipts/:orderId), fetched when the order opens and again after new activity.
 */
export function createOrderReceiptsView(deps: Pick<ConsoleDeps, 'orders' | 'delivery'>, model: ReceiptsModel) {
  const body = el('tbody', {});
  const table = el(
    'table',
    { class: 'receipts', 'data-testid': 'order-receipts' },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { scope: 'col' }, 'Change'),
        el('th', { scope: 'col' }, 'Written'),
        el('th', { scope: 'col' }, 'RabbitMQ confirmed'),
        el('th', { scope: 'col' }, 'Broker accepted'),
        el('th', { scope: 'col' }, 'First customer device'),
      ),
    ),
    body,
  );
  const empty = el('p', { class: 'muted' }, 'No status change or rider report seen since the console opened.');
  const note = el('p', { class: 'muted small' }, 'Gaps: confirmed and broker after written (RabbitMQ may confirm after delivering), device after broker.');
  const element = el('div', { class: 'receipts-section' }, el('h3', {}, 'Delivery receipts'), empty, table, note);
  let orderId: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const render = () => {
    const rows = orderId ? model.rowsOf(orderId) : [];
    empty.hidden = rows.length > 0;
    table.hidden = rows.length === 0;
    body.replaceChildren(...rows.map(rowOf));
  };
  // Only rows recently written and still missing their confirm time make it worth asking (again).
  const missingConfirms = (id: string) =>
    model.rowsOf(id).some((r) => r.confirmedAt === undefined && r.writtenAt !== undefined && Date.now() - r.writtenAt < CONFIRMS_RETRY_WITHIN_MS);
  const scheduleConfirms = (id: string) => {
    if (timer || !missingConfirms(id)) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (orderId === id) fetchConfirms(id);
    }, CONFIRMS_DEBOUNCE_MS);
  };
  const fetchConfirms = (id: string) => {
    const asked = [deps.orders, deps.delivery].map((api) =>
      api
        .hopReceipts(id)
        .then((r) => model.applyConfirms(id, r.receipts))
        .catch(() => undefined),
    );
    void Promise.all(asked).then(() => {
      if (orderId === id) scheduleConfirms(id);
    });
  };
  model.on('changed', (id) => {
    if (id !== orderId) return;
    render();
    scheduleConfirms(id);
  });

  return {
    element,
    open(id: string) {
      orderId = id;
      render();
      fetchConfirms(id);
    },
    close() {
      orderId = undefined;
      clearTimeout(timer);
      timer = undefined;
      render();
    },
  };
}

/** Issue 17 point 1: p50 and p99 of each hop over the last minutes, from the receipts this console has seen. */
export function createHopStatsView(model: ReceiptsModel, windowMinutes = 5): HTMLElement {
  const figures = el('dl', { class: 'pairs figures', 'data-testid': 'hop-stats' });
  const render = () => {
    const stats = model.stats();
    figures.replaceChildren(
      ...HOPS.flatMap((hop) => {
        const s = stats[hop];
        return [el('dt', {}, hop), el('dd', { 'data-hop': hop }, s ? `p50 ${gapText(s.p50).slice(1)} · p99 ${gapText(s.p99).slice(1)} (${s.count})` : '—')];
      }),
    );
  };
  model.on('stats', render);
  render();
  const heading = el('h2', { id: 'hop-stats-heading', class: 'card-title' }, `Delivery hops, last ${windowMinutes} min`);
  return el('section', { class: 'card', 'aria-labelledby': 'hop-stats-heading', 'data-testid': 'hop-stats-panel' }, heading, figures);
}
