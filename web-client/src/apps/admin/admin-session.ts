import { readStored, writeStored, type StorageLike } from '../shared/url-token.js';

export interface AdminSessionData {
  token: string;
  expiresAt: string;
}

const KEY = 'orderpulse:admin-session';

/** The admin's token, kept in sessionStorage (gone with the tab) and never in a URL. */
export class AdminSession {
  constructor(
    private readonly storage: StorageLike | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** The stored session while it has not expired. */
  current(): AdminSessionData | undefined {
    const raw = readStored(this.storage, KEY);
    if (!raw) return undefined;
    let data: Partial<AdminSessionData>;
    try {
      data = JSON.parse(raw) as Partial<AdminSessionData>;
    } catch {
      this.clear();
      return undefined;
    }
    if (typeof data.token !== 'string' || typeof data.expiresAt !== 'string' || !(Date.parse(data.expiresAt) > this.now())) {
      this.clear();
      return undefined;
    }
    return { token: data.token, expiresAt: data.expiresAt };
  }

  get token(): string | undefined {
    return this.current()?.token;
  }

  save(data: AdminSessionData): void {
    writeStored(this.storage, KEY, JSON.stringify({ token: data.token, expiresAt: data.expiresAt }));
  }

  clear(): void {
    writeStored(this.storage, KEY, undefined);
  }
}
