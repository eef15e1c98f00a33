/**
 * Freezes `value` and everything it holds, and returns it: for stores that hand out the values
 * they hold instead of copies, so a caller that tries to change one fails at once (TypeError in
 * strict code) instead of changing the store. A part that is frozen already is taken as frozen
 * throughout: a store freezes the new parts of a value and shares the old ones.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
