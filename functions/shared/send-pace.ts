// The pace of a fan-out under SES's sending quota (issue 15): SES refuses mail beyond the account's
// MaxSendRate with `Throttling` ("Maximum sending rate exceeded"), so a consultation reads the rate
// with GetSendQuota and spaces its SendEmail calls to stay under it rather than meet the limit.
import { GetSendQuotaCommand } from '@aws-sdk/client-ses';
import { ses } from './clients/ses.js';
import { log } from './logger.js';

/** The share of MaxSendRate a fan-out uses: room for network jitter and the odd other mail. */
export const PACE_SHARE = 0.9;

/**
 * Mails a second a fan-out may send: PACE_SHARE of the account's MaxSendRate; null (send unpaced,
 * the SDK's retries meeting any throttling) when SES does not say. Never fails the caller.
 */
export async function sendingRate(): Promise<number | null> {
  try {
    const max = (await ses.send(new GetSendQuotaCommand({})))?.MaxSendRate;
    if (typeof max === 'number' && max > 0) return max * PACE_SHARE;
    log.warn('no sending rate from GetSendQuota: mail goes unpaced');
  } catch (error) {
    log.warn('GetSendQuota failed: mail goes unpaced', { error: (error as Error).name });
  }
  return null;
}

/**
 * Spaces callers at least 1/rate seconds apart, measured when each is let through (not when it
 * asked), so callers held up together by a busy event loop still leave one at a time. The first
 * waits one interval too: the run before this one (the previous slice) may have sent just now.
 * On the monotonic clock: a wall clock set back must not stall a mailing.
 */
export function pacer(rate: number | null): () => Promise<void> {
  if (rate === null) return () => Promise.resolve();
  const interval = 1000 / rate;
  let last = performance.now();
  let queue: Promise<void> = Promise.resolve();
  const turn = async () => {
    for (;;) {
      const wait = last + interval - performance.now();
      if (wait <= 0) break;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(wait)));
    }
    last = performance.now();
  };
  return () => {
    const next = queue.then(turn);
    queue = next;
    return next;
  };
}
