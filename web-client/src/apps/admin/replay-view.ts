import type { OrderSnapshot, OrderStatus } from '@orderpulse/contracts';
import { el, problemBox, setText } from '../shared/dom.js';
import { createMapPanel } from '../shared/map-panel.js';
import type { MapMarker, MapSettings } from '../shared/map-scene.js';
import { formatWhen } from '../shared/relative-time.js';
import type { ConsoleDeps } from './console-deps.js';
import {
  buildReplayScript,
  frameAt,
  mergeHopRows,
  REPLAY_SPEEDS,
  ReplayClock,
  type ReplayFrame,
  type ReplayScript,
  type ReplaySpeed,
  type StepHops,
} from './replay-model.js';
import { clockTime, gapText, HOP_CELLS } from './receipts-view.js';
import { drawReplayPath } from '../shared/ridden-path.js';

/** Orders whose story is over: these can be replayed. */
const FINISHED: ReadonlySet<OrderStatus> = new Set(['delivered', 'cancelled']);
/** How often the replay redraws while playing. */
const TICK_MS = 50;

const clockText = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
const later = (ms: number) => (ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.max(1, Math.round(ms / 60_000))} min`);

const HOP_LABELS = { written: 'written', confirmed: 'RabbitMQ confirmed', broker: 'broker accepted', device: 'first customer device' } as const;

/**
 * Issue 17 point 4: a status change's kept hop times and gaps on its timeline entry, each a
 * `data-hop` span with `data-at` (ms), the device's saying when nobody was watching. Shown once
 * the replay reaches the change.
 */
function hopsElement(hops: StepHops): HTMLElement {
  const parts = HOP_CELLS.map(({ hop, field, since }) => {
    const at = hops[field];
    const label = HOP_LABELS[hop];
    if (hop === 'device' && hops.watching === false) return el('span', { 'data-hop': hop, 'data-watching': 'false' }, 'no customer device was watching');
    if (at === undefined) return el('span', { 'data-hop': hop, class: 'muted' }, `${label} …`);
    const previous = since ? hops[since] : undefined;
    // A page's receipt can precede the notifier's PUBACK by a millisecond (see receipts-model.ts): shown as +0.
    const gap = previous === undefined ? '' : ` (${gapText(hop === 'device' ? Math.max(0, at - previous) : at - previous)})`;
    return el('span', { 'data-hop': hop, 'data-at': String(at) }, `${label} ${clockTime(at)}${gap}`);
  });
  const list = parts.flatMap((part, i) => (i === 0 ? [part] : [' → ', part]));
  return el('div', { class: 'replay-hops muted small', 'data-testid': 'replay-hops' }, ...list);
}

export interface ReplayView {
  readonly element: HTMLElement;
  /** The open order as last loaded: a finished one gets the Replay button. */
  show(order: OrderSnapshot): void;
  close(): void;
}

/**
 * Replay of a finished order, from stored history only: the order's and the delivery's
 * statuses (with their kept hop times) and the rider's kept positions in one timeline, at 1×,
 * 10× or 60×. For tests and
 * tools the section says where the replay is: `data-state` (idle, loading, paused, playing,
 * ended, failed), `data-speed`, `data-offset-ms` (story time reached, on the replay's axis),
 * `data-steps-reached`, `data-points-reached` and `data-rider` (`lat,lng`).
 */
export function createReplayView(deps: ConsoleDeps, map: MapSettings | null): ReplayView {
  const start = el('button', { type: 'button', class: 'secondary', 'data-testid': 'replay-open' }, 'Replay this order');
  const speed = el('select', { id: 'replay-speed', name: 'speed' }, ...REPLAY_SPEEDS.map((s) => el('option', { value: String(s) }, `${s}×`)));
  speed.value = '10';
  const play = el('button', { type: 'button', 'data-testid': 'replay-play' }, 'Play');
  const restart = el('button', { type: 'button', class: 'secondary', 'data-testid': 'replay-restart' }, 'From the start');
  const clock = el('p', { class: 'muted small', 'data-testid': 'replay-clock', 'aria-live': 'off' });
  const path = el('figure', { class: 'replay-path', 'data-testid': 'replay-path' });
  const mapPanel = map ? createMapPanel(map, { label: 'Map of the replayed ride', testId: 'replay-map' }) : undefined;
  const timeline = el('ol', { class: 'replay-timeline', 'data-testid': 'replay-timeline' });
  const problem = problemBox('replay-error');
  const player = el(
    'div',
    { class: 'replay-player' },
    el('div', { class: 'row' }, el('div', { class: 'field' }, el('label', { for: 'replay-speed' }, 'Speed'), speed), play, restart),
    clock,
    mapPanel?.element,
    path,
    timeline,
  );
  const element = el('div', { class: 'replay', 'data-testid': 'replay', 'data-state': 'idle' }, el('h3', {}, 'Replay'), start, problem.element, player);
  element.hidden = true;
  player.hidden = true;

  let order: OrderSnapshot | undefined;
  let script: ReplayScript | undefined;
  let replayClock: ReplayClock | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let drawn = -1;

  const setState = (state: string) => {
    element.dataset.state = state;
    setText(play, state === 'playing' ? 'Pause' : 'Play');
  };
  const stopTicking = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  function render(frame: ReplayFrame): void {
    if (!script) return;
    element.dataset.offsetMs = String(Math.round(frame.offsetMs));
    element.dataset.stepsReached = String(frame.stepsReached);
    element.dataset.pointsReached = String(frame.pointsReached);
    if (frame.rider) element.dataset.rider = `${frame.rider.lat},${frame.rider.lng}`;
    else delete element.dataset.rider;
    const last = script.steps[frame.stepsReached - 1];
    const where = frame.rider ?? last;
    setText(clock, `${clockText(frame.offsetMs)} of ${clockText(script.durationMs)}${where ? ` · ${formatWhen(where.at)}` : ''}`);
    timeline.querySelectorAll('li').forEach((li, i) => {
      const reached = i < frame.stepsReached;
      li.dataset.reached = String(reached);
      li.classList.toggle('reached', reached);
      const hops = li.querySelector<HTMLElement>('.replay-hops');
      if (hops) hops.hidden = !reached;
      if (i === frame.stepsReached - 1) li.setAttribute('aria-current', 'step');
      else li.removeAttribute('aria-current');
    });
    if (drawn === frame.pointsReached) return;
    drawn = frame.pointsReached;
    const reached = script.points.slice(0, frame.pointsReached);
    if (script.points.length > 0) {
      path.replaceChildren(
        drawReplayPath(script.points, reached, script.destination, `The rider's path: ${reached.length} of ${script.points.length} positions ridden.`),
      );
    } else {
      path.replaceChildren(el('p', { class: 'muted small' }, 'No rider positions are kept for this order.'));
    }
    if (mapPanel) {
      const markers: MapMarker[] = [];
      if (script.destination) markers.push({ id: 'destination', kind: 'destination', label: 'Delivery address', ...script.destination });
      if (frame.rider) markers.push({ id: 'rider', kind: 'rider', label: 'Rider', lat: frame.rider.lat, lng: frame.rider.lng });
      mapPanel.show({ markers, path: reached });
    }
  }

  function tick(): void {
    if (!script || !replayClock) return;
    const { offsetMs, atEnd } = replayClock.position();
    render(frameAt(script, offsetMs));
    if (atEnd && element.dataset.state === 'playing') {
      stopTicking();
      setState('ended');
    }
  }

  function load(current: OrderSnapshot): void {
    setState('loading');
    problem.show(null);
    deps.delivery
      .deliveriesOfOrder(current.id)
      .then(async (items) => {
        const latest = [...items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
        // Hop times are an addition: without them (none kept, or a service never saw the order) the replay still runs.
        const keptHops = (api: Pick<ConsoleDeps['orders'], 'hopHistory'>) =>
          api.hopHistory(current.id).then(
            (history) => history.rows,
            () => [],
          );
        const [track, ordersHops, deliveryHops] = await Promise.all([
          latest ? deps.delivery.track(latest.id) : Promise.resolve(null),
          keptHops(deps.orders),
          keptHops(deps.delivery),
        ]);
        if (order?.id !== current.id) return;
        script = buildReplayScript(current, track, mergeHopRows(ordersHops, deliveryHops));
        replayClock = new ReplayClock(() => performance.now(), script.durationMs);
        replayClock.setSpeed(Number(speed.value) as ReplaySpeed);
        element.dataset.speed = speed.value;
        drawn = -1;
        timeline.replaceChildren(
          ...script.steps.map((step) =>
            el(
              'li',
              { 'data-kind': step.kind, 'data-status': step.status, 'data-reached': 'false' },
              step.skippedMs > 0 ? el('span', { class: 'muted small' }, `… ${later(step.skippedMs)} later · `) : null,
              el('time', { datetime: step.at }, formatWhen(step.at)),
              ` ${step.kind === 'order' ? 'Order' : 'Delivery'}: ${step.label}`,
              step.note ? el('span', { class: 'muted' }, ` · ${step.note}`) : null,
              step.hops ? hopsElement(step.hops) : null,
            ),
          ),
        );
        player.hidden = false;
        setState('paused');
        render(frameAt(script, 0));
      })
      .catch((err: unknown) => {
        if (order?.id !== current.id) return;
        setState('failed');
        problem.show(deps.failed(err));
      });
  }

  start.addEventListener('click', () => {
    if (order) load(order);
  });
  play.addEventListener('click', () => {
    if (!replayClock) return;
    if (element.dataset.state === 'playing') {
      replayClock.pause();
      stopTicking();
      setState('paused');
      tick();
      return;
    }
    replayClock.play();
    setState('playing');
    stopTicking();
    timer = setInterval(tick, TICK_MS);
    tick();
  });
  restart.addEventListener('click', () => {
    if (!replayClock) return;
    replayClock.restart();
    if (element.dataset.state !== 'playing') {
      replayClock.pause();
      setState('paused');
    }
    tick();
  });
  speed.addEventListener('change', () => {
    element.dataset.speed = speed.value;
    replayClock?.setSpeed(Number(speed.value) as ReplaySpeed);
  });

  function close(): void {
    stopTicking();
    order = undefined;
    script = undefined;
    replayClock = undefined;
    player.hidden = true;
    element.hidden = true;
    problem.show(null);
    for (const key of ['offsetMs', 'stepsReached', 'pointsReached', 'rider', 'speed']) delete element.dataset[key];
    setState('idle');
  }

  return {
    element,
    close,
    show(next) {
      if (order?.id !== next.id) close();
      order = next;
      element.hidden = !FINISHED.has(next.status);
    },
  };
}
