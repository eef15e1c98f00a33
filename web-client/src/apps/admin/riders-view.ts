import type { RiderSummary } from '../shared/delivery-api.js';
import { el, problemBox, setText } from '../shared/dom.js';
import type { ConsoleDeps } from './console-deps.js';
import { createStopsEditor } from './stops-editor.js';

/** Where a rider's link opens the rider app; the token moves out of the URL on first load. */
export function riderLink(origin: string, token: string): string {
  return `${origin}/rider?t=${encodeURIComponent(token)}`;
}

async function copyToClipboard(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Riders: the list, a form to add one, and a fresh sign-in link for each. */
export function createRidersView(deps: ConsoleDeps): HTMLElement {
  const list = el('ul', { class: 'riders', 'data-testid': 'riders-list' });
  const name = el('input', { id: 'new-rider-name', name: 'name', required: '', maxlength: '100', autocomplete: 'off' });
  const phone = el('input', { id: 'new-rider-phone', name: 'phone', type: 'tel', maxlength: '40', autocomplete: 'off' });
  const submit = el('button', { type: 'submit', 'data-testid': 'create-rider' }, 'Add rider');
  const problem = problemBox('riders-error');
  const link = el('input', { id: 'rider-link', readonly: '', 'data-testid': 'rider-link' });
  const linkNote = el('p', { class: 'muted small', role: 'status', 'data-testid': 'rider-link-note' });
  const linkBox = el('div', { class: 'field link-box' }, el('label', { for: 'rider-link' }, 'Rider link'), link, linkNote);
  linkBox.hidden = true;
  const form = el(
    'form',
    { class: 'row', 'aria-label': 'Add a rider' },
    el('div', { class: 'field' }, el('label', { for: 'new-rider-name' }, 'Name'), name),
    el('div', { class: 'field' }, el('label', { for: 'new-rider-phone' }, 'Phone (optional)'), phone),
    submit,
  );

  const issueLink = (rider: RiderSummary, button: HTMLButtonElement) => {
    button.disabled = true;
    problem.show(null);
    deps.delivery
      .issueRiderToken(rider.id)
      .then(async ({ token, expiresAt }) => {
        link.value = riderLink(window.location.origin, token);
        link.dataset.riderId = rider.id;
        linkBox.hidden = false;
        const copied = await copyToClipboard(link.value);
        const valid = `valid until ${new Date(expiresAt).toLocaleString()}`;
        setText(linkNote, copied ? `Link for ${rider.name} copied to the clipboard (${valid}).` : `Copy this link for ${rider.name} (${valid}).`);
        link.select();
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => {
        button.disabled = false;
      });
  };

  // Issue 18 point 6: the dispatcher's order of a rider's stops.
  const stops = createStopsEditor(deps);
  const render = () => {
    list.replaceChildren(
      ...deps.riders.list.map((rider) => {
        const button = el('button', { type: 'button', class: 'secondary', 'aria-label': `Copy link: a sign-in link for ${rider.name}` }, 'Copy link');
        button.addEventListener('click', () => issueLink(rider, button));
        const stopsButton = el('button', { type: 'button', class: 'secondary', 'aria-label': `Stops of ${rider.name}` }, 'Stops');
        stopsButton.addEventListener('click', () => stops.open(rider));
        return el(
          'li',
          { 'data-rider-id': rider.id, 'data-rider-name': rider.name },
          el('span', {}, el('strong', {}, rider.name), rider.phone ? el('span', { class: 'muted small' }, ` · ${rider.phone}`) : null),
          el('span', { class: 'row' }, stopsButton, button),
        );
      }),
    );
    if (!deps.riders.list.length) list.replaceChildren(el('li', { class: 'muted' }, 'No riders yet.'));
  };
  deps.riders.on('changed', render);
  render();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.show(null);
    deps.delivery
      .createRider({ name: name.value.trim(), ...(phone.value.trim() ? { phone: phone.value.trim() } : {}) })
      .then((rider) => {
        deps.riders.add(rider);
        name.value = '';
        phone.value = '';
      })
      .catch((err: unknown) => problem.show(deps.failed(err)))
      .finally(() => {
        submit.disabled = false;
      });
  });

  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'riders-heading' },
    el('h2', { id: 'riders-heading', class: 'card-title' }, 'Riders'),
    list,
    stops.element,
    form,
    linkBox,
    problem.element,
  );
}
