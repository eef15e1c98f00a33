/**
 * Runs a change to something a store handed out. A store may hand out copies (the change goes
 * through, and must not reach the store) or its own frozen values (the change throws TypeError);
 * a contract test then checks that what is stored did not change.
 */
export function tryToChange(change: () => unknown): void {
  try {
    change();
  } catch (err) {
    // By name: a value made by structuredClone comes from Node's own realm, not Jest's, and so does its TypeError.
    if ((err as Error | undefined)?.name !== 'TypeError') throw err;
  }
}
