// Bounded concurrency for fan-outs (consultation mails, outcome mails): quick for hundreds of
// items, gentle on the SES sending rate and the table.

/**
 * Runs `work` over `items` with at most `limit` in flight; the results keep the items' order.
 * After the first failure no new item starts (a failing SES would only fail again); those in
 * flight finish, then the first error is thrown.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}

/**
 * Work started in the background, at most `limit` at a time (start() waits for a free slot);
 * settle() waits for all of it and throws the first failure.
 */
export function boundedBackground(limit: number) {
  const running = new Set<Promise<void>>();
  const failures: unknown[] = [];
  return {
    async start(work: () => Promise<void>): Promise<void> {
      while (running.size >= limit) await Promise.race(running);
      const task: Promise<void> = work()
        .catch((error: unknown) => {
          failures.push(error);
        })
        .finally(() => running.delete(task));
      running.add(task);
    },
    async settle(): Promise<void> {
      await Promise.all(running);
      if (failures.length > 0) throw failures[0];
    },
  };
}
