import { el, setText } from '../shared/dom.js';
import { formatWhen } from '../shared/relative-time.js';
import type { TimelineEntry } from './timeline.js';

/** The timeline, newest first; entries are rebuilt only when the list changed. */
export function createTimelineView(): { element: HTMLElement; render(entries: readonly TimelineEntry[]): void } {
  const list = el('ol', { class: 'timeline', 'data-testid': 'timeline', 'aria-label': 'What has happened so far' });
  const element = el(
    'section',
    { class: 'card', 'aria-labelledby': 'timeline-heading' },
    el('h2', { id: 'timeline-heading', class: 'card-title' }, 'Timeline'),
    list,
  );
  element.hidden = true;
  let shown = '';

  return {
    element,
    render(entries) {
      const signature = entries.map((e) => `${e.key}@${e.at}:${e.title}:${e.detail ?? ''}`).join('|');
      element.hidden = entries.length === 0;
      if (signature === shown) return;
      shown = signature;
      list.replaceChildren(
        ...entries.map((entry, index) => {
          const time = el('time', { datetime: entry.at, class: 'timeline-time' });
          setText(time, formatWhen(entry.at));
          return el(
            'li',
            { class: index === 0 ? 'latest' : undefined, 'data-source': entry.source, 'data-status': entry.status },
            el('span', { class: 'timeline-title' }, entry.title),
            time,
            entry.detail ? el('span', { class: 'timeline-detail' }, entry.detail) : null,
          );
        }),
      );
    },
  };
}
