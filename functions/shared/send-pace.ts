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
 * The most a pace lets through at once after a timer: 10 ms' worth of the rate. Node's timers
 * fire a millisecond or more late, so at hundreds of mails a second a pace that let one caller
 * through per timer would send at the timers' rate, not SES's (a local SES's 1,000/s, paced to
 * 900, went at about 400). Below about 110 mails a second this is one: one mail per interval.
 */
const BURST_MS = 10;

/**
 * Lets callers through at `rate` a second on average, one at a time: a token bucket refilled at
 * the rate and holding at most BURST_MS' worth (at least one token), so any one second sees at most
 * that burst plus the rate's second (at PACE_SHARE of MaxSendRate, never more than MaxSendRate),
 * and a slow rate is spaced a whole interval apart. It starts empty: the run before this one (the
 * previous slice) may have sent just now. On the monotonic clock: a wall clock set back must not
 * stall a mailing.
 */
export function pacer(rate: number | null): () => Promise<void> {
  if (rate === null) return () => Promise.resolve();
  const interval = 1000 / rate;
  const capacity = Math.max(1, (rate * BURST_MS) / 1000);
  let tokens = 0;
  let filledAt = performance.now();
  let queue: Promise<void> = Promise.resolve();
  const turn = async () => {
    for (;;) {
      const now = performance.now();
      tokens = Math.min(capacity, tokens + (now - filledAt) / interval);
      filledAt = now;
      if (tokens >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil((1 - tokens) * interval)));
    }
    tokens -= 1;
  };
  return () => {
    const next = queue.then(turn);
    queue = next;
    return next;
  };
}
