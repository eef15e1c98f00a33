import type { GeneratorPool } from '../lib/index.js';
import type { CollectReply, Receipt } from './customers-child.js';
import { sleep } from './settings.js';
import type { PatchRecord } from './status-driver.js';

/** Everything the generator children reported since the last reset, merged. */
export class Receipts {
  /** `${orderId}:${version}` → first time a customer received exactly that version. */
  readonly customer = new Map<string, number>();
  /** orderId → [version, receivedAt] in arrival order (for "first version ≥ v" matching). */
  readonly byOrder = new Map<string, Array<[number, number]>>();
  /** `${orderId}:${version}` → receipt time per admin console that got it. */
  readonly admin = new Map<string, number[]>();
  duplicates = 0;
  regressions = 0;
  reconnects = 0;

  add(replies: CollectReply[]): void {
    for (const reply of replies) {
      for (const [orderId, version, at] of reply.customer) {
        const key = `${orderId}:${version}`;
        const before = this.customer.get(key);
        if (before === undefined || at < before) this.customer.set(key, at);
        let list = this.byOrder.get(orderId);
        if (!list) this.byOrder.set(orderId, (list = []));
        list.push([version, at]);
      }
      for (const [orderId, version, at] of reply.admin as Receipt[]) {
        const key = `${orderId}:${version}`;
        const list = this.admin.get(key);
        if (list) list.push(at);
        else this.admin.set(key, [at]);
      }
    }
    // The children's counters are cumulative since their last reset: the latest replies hold the totals.
    this.duplicates = 0;
    this.regressions = 0;
    this.reconnects = 0;
    for (const reply of replies) {
      this.duplicates += reply.duplicates;
      this.regressions += reply.regressions;
      this.reconnects += reply.reconnects;
    }
  }

  /** First time the order was seen at `version` or later (polling sees only the latest state). */
  firstAtLeast(orderId: string, version: number): number | undefined {
    let first: number | undefined;
    for (const [v, at] of this.byOrder.get(orderId) ?? []) if (v >= version && (first === undefined || at < first)) first = at;
    return first;
  }
}

/** Collects from every child until each successful PATCH has reached its customer (and admins), or until the deadline. */
export async function collectUntilDelivered(
  pool: GeneratorPool,
  patches: PatchRecord[],
  options: { adminConsoles: number; deadlineMs: number; exact: boolean },
): Promise<Receipts> {
  const receipts = new Receipts();
  const wanted = patches.filter((p) => p.code === 200 && p.version !== undefined);
  const deadline = performance.now() + options.deadlineMs;
  for (;;) {
    receipts.add(await pool.call<CollectReply>('collect', () => null, 60_000));
    const missing = wanted.some((p) => {
      const key = `${p.orderId}:${p.version}`;
      const got = options.exact ? receipts.customer.has(key) : receipts.firstAtLeast(p.orderId, p.version!) !== undefined;
      return !got || (receipts.admin.get(key)?.length ?? 0) < options.adminConsoles;
    });
    if (!missing || performance.now() > deadline) return receipts;
    await sleep(250);
  }
}
