// The pace of a fan-out (functions/shared/send-pace.ts) under SES's MaxSendRate.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PACE_SHARE, pacer } from '../../functions/shared/send-pace.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Lets `count` callers through `pace`, 8 asking at a time (as the fan-out's lanes do); their times. */
async function through(pace: () => Promise<void>, count: number): Promise<number[]> {
  const at: number[] = [];
  let next = 0;
  const lane = async () => {
    while (next < count) {
      next += 1;
      await pace();
      at.push(performance.now());
    }
  };
  const lanes = Promise.all(Array.from({ length: 8 }, lane));
  await vi.runAllTimersAsync();
  await lanes;
  return at;
}

const mostInAnySecond = (at: number[]) =>
  Math.max(...at.map((t) => at.filter((u) => u > t - 1000 && u <= t).length));

describe('the sending pace', () => {
  it('keeps a fast rate when each timer fires late, never more than MaxSendRate in any second', async () => {
    const maxSendRate = 1000;
    // Each timer a millisecond late, as Node's are on a busy event loop.
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) =>
      realSetTimeout(fn, (ms ?? 0) + 1)) as typeof setTimeout);
    const at = await through(pacer(maxSendRate * PACE_SHARE), 2000);
    const seconds = ((at.at(-1) as number) - (at[0] as number)) / 1000;
    // 2,000 at 900 a second: about 2.2 s, not the 4 s of one mail per (late) 2 ms timer.
    expect(seconds).toBeLessThan(2.3);
    expect(mostInAnySecond(at)).toBeLessThanOrEqual(maxSendRate);
  });

  it('spaces a slow rate a whole interval apart, starting one interval in', async () => {
    const at = await through(pacer(4 * PACE_SHARE), 12);
    const interval = 1000 / (4 * PACE_SHARE);
    expect(at[0]).toBeGreaterThanOrEqual(interval);
    for (let i = 1; i < at.length; i++) {
      expect((at[i] as number) - (at[i - 1] as number)).toBeGreaterThanOrEqual(interval);
    }
    expect(mostInAnySecond(at)).toBeLessThanOrEqual(4);
  });

  it('lets everyone through at once when SES gives no rate', async () => {
    const at = await through(pacer(null), 50);
    expect(new Set(at).size).toBe(1);
  });
});
