/**
 * Like Promise.all, but waits for every task to settle before rejecting with the first failure.
 * A handler must not return (and let the next event of its aggregate start) while one of its
 * publishes is still in flight, or an older retained message could land after a newer one.
 */
export async function settleAll(tasks: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(tasks);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
