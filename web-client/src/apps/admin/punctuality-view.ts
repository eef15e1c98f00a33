import type { PunctualityReport } from '../shared/delivery-api.js';
import { el, problemBox } from '../shared/dom.js';
import type { ConsoleDeps } from './console-deps.js';

const DAY_MS = 86_400_000;
const dateValue = (date: Date) => date.toISOString().slice(0, 10);
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 100)} %`);
const minutes = (value: number | null) => (value === null ? '—' : `${value} min`);

function describe(report: PunctualityReport): Array<[string, string, string]> {
  const eta = report.etaAccuracy;
  const bias =
    eta.meanSignedErrorMinutes === null
      ? ''
      : eta.meanSignedErrorMinutes >= 0
        ? ` (riders arrive ${eta.meanSignedErrorMinutes} min after it on average)`
        : ` (riders arrive ${-eta.meanSignedErrorMinutes} min before it on average)`;
  return [
    ['on-time-rate', 'On time', `${percent(report.onTimeRate)} (${report.onTime} of ${report.withWindow} with a promised window; ${report.late} late)`],
    ['eta-error', 'ETA at pickup vs arrival', `${minutes(eta.meanAbsoluteErrorMinutes)} off on average${bias}`],
    ['eta-within-five', 'Within 5 min of the ETA', `${percent(eta.withinFiveMinutesRate)} of ${eta.measured} measured`],
    ['delivered-count', 'Delivered in the period', `${report.delivered}${report.truncated ? ' (only the newest counted)' : ''}`],
  ];
}

/**
 * Issue 18 point 5: the on-time rate and how good the ETA given at pickup was, over a chosen
 * period, from delivery-service's stored deliveries (GET /stats/punctuality).
 */
export function createPunctualityView(deps: ConsoleDeps, now: () => Date = () => new Date()): HTMLElement {
  const today = now();
  const from = el('input', { id: 'punctuality-from', type: 'date', required: '', value: dateValue(new Date(today.getTime() - 6 * DAY_MS)) });
  const to = el('input', { id: 'punctuality-to', type: 'date', required: '', value: dateValue(today) });
  const submit = el('button', { type: 'submit', 'data-testid': 'punctuality-submit' }, 'Show');
  const problem = problemBox('punctuality-error');
  const figures = el('dl', { class: 'pairs figures', 'data-testid': 'punctuality-figures' });
  const form = el(
    'form',
    { class: 'row', 'aria-label': 'Punctuality over a period' },
    el('div', { class: 'field' }, el('label', { for: 'punctuality-from' }, 'From'), from),
    el('div', { class: 'field' }, el('label', { for: 'punctuality-to' }, 'To (included)'), to),
    submit,
  );

  const load = () => {
    // Whole days in the browser's time zone; `to` includes its day.
    const start = new Date(`${from.value}T00:00:00`);
    const end = new Date(new Date(`${to.value}T00:00:00`).getTime() + DAY_MS);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return problem.show('Choose both dates.');
    submit.disabled = true;
    problem.show(null);
    deps.delivery
      .punctuality(start, end)
      .then((report) => {
        figures.replaceChildren(...describe(report).flatMap(([id, label, text]) => [el('dt', {}, label), el('dd', { 'data-testid': id }, text)]));
        figures.dataset.from = report.from;
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => {
        submit.disabled = false;
      });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  load();
  const heading = el('h2', { id: 'punctuality-heading', class: 'card-title' }, 'Punctuality');
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'punctuality-heading', 'data-testid': 'punctuality-panel' },
    heading,
    form,
    problem.element,
    figures,
  );
}
