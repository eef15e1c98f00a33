/** "just now", "12 s ago", "3 min ago", "2 h ago": how long ago something happened. */
export function formatAge(ageMs: number): string {
  const seconds = Math.floor(Math.max(0, ageMs) / 1000);
  if (seconds < 3) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** "about 7 min", "under a minute", "about 1 h 20 min". */
export function formatDuration(minutes: number): string {
  if (minutes < 1) return 'under a minute';
  const rounded = Math.round(minutes);
  if (rounded < 60) return `about ${rounded} min`;
  const hours = Math.floor(rounded / 60);
  const rest = rounded % 60;
  return `about ${hours} h${rest ? ` ${rest} min` : ''}`;
}

export function formatDistance(km: number): string {
  return km < 1 ? `${Math.round(km * 1000)} m` : `${km.toFixed(1)} km`;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const sameDay = (a: Date, b: Date) => a.toDateString() === b.toDateString();

/** "14:32" today, "26 Nov 2026, 14:32" on another day. */
export function formatWhen(iso: string, now = new Date()): string {
  const date = new Date(iso);
  return sameDay(date, now) ? clock.format(date) : dateAndTime.format(date);
}
