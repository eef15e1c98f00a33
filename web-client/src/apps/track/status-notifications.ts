import { el, setText } from '../shared/dom.js';

export interface StatusNotifications {
  /** The "notify me" button and what it says about the current permission. */
  readonly element: HTMLElement;
  /** Raises a notification when the tab is hidden and the customer allowed it. */
  notify(title: string, body: string, tag: string): void;
}

export interface NotificationEnvironment {
  supported: boolean;
  permission(): NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
  isHidden(): boolean;
  show(title: string, options: NotificationOptions): void;
}

export function browserNotifications(): NotificationEnvironment {
  const supported = typeof window !== 'undefined' && 'Notification' in window;
  return {
    supported,
    permission: () => (supported ? Notification.permission : 'denied'),
    requestPermission: () => (supported ? Notification.requestPermission() : Promise.resolve('denied')),
    isHidden: () => document.visibilityState === 'hidden',
    show: (title, options) => void new Notification(title, options),
  };
}

/** Whether a status change should become a notification right now. */
export function shouldNotify(env: Pick<NotificationEnvironment, 'supported' | 'permission' | 'isHidden'>): boolean {
  return env.supported && env.permission() === 'granted' && env.isHidden();
}

/** A button that asks for permission (browsers only allow asking from a click). */
export function createStatusNotifications(env: NotificationEnvironment = browserNotifications()): StatusNotifications {
  const button = el('button', { type: 'button', class: 'secondary', 'data-testid': 'notify-button' }, 'Notify me when the status changes');
  const note = el('p', { class: 'muted small', 'data-testid': 'notify-state' });
  const element = el('div', { class: 'notify' }, button, note);

  const refresh = () => {
    const permission = env.permission();
    button.hidden = !env.supported || permission !== 'default';
    if (!env.supported) setText(note, '');
    else if (permission === 'granted') setText(note, 'You will get a notification when the status changes while this tab is in the background.');
    else if (permission === 'denied') setText(note, 'Notifications are blocked for this site in your browser settings.');
    else setText(note, '');
    note.hidden = note.textContent === '';
  };
  button.addEventListener('click', () => {
    button.disabled = true;
    void env
      .requestPermission()
      .catch(() => 'denied')
      .finally(() => {
        button.disabled = false;
        refresh();
      });
  });
  refresh();

  return {
    element,
    notify(title, body, tag) {
      if (!shouldNotify(env)) return;
      try {
        env.show(title, { body, tag, lang: document.documentElement.lang || 'en' });
      } catch (err) {
        console.warn(`could not show a notification: ${(err as Error).message}`);
      }
    },
  };
}
