type EventMap = Record<string, unknown[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

/** A minimal event emitter whose event names and arguments are type-checked. */
export class TypedEmitter<Events extends EventMap> {
  private readonly listeners: { [K in keyof Events]?: Set<Listener<Events[K]>> } = {};

  /** Adds a listener; the returned function removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const set = (this.listeners[event] ??= new Set());
    set.add(listener);
    return () => set.delete(listener);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.listeners[event] ?? [])]) listener(...args);
  }
}
