// Issue 15, sending pace: a consultation reads SES's GetSendQuota and keeps under MaxSendRate, so
// it never meets throttling, and mails in bounded slices that the state machine loops over. The
// local SES is given a rate (DPIA_SES_MAX_SEND_RATE's setting) and throttles anyone faster: it
// counts the refusals, which must stay 0. Quick form: 12 consultees at 10 mails/s, 5 to a slice.
// Long form (DPIA_SOAK=1): the 5,000 consultees at 14 mails/s, time-scaled by 10. At
// 14 mails/s SendConsultation sends for 120 s a run (SLICE_SECONDS; its Lambda's 600 s timeout
// less the 60 s it keeps for marks leaves more), so 5,000 take about 6 minutes over several runs.
// One proposal holds at most 500 consultees (SPEC; its item keeps every consultee's counted state,
// and 5,000 would pass DynamoDB's 400 KB), so the long form sends the most a proposal holds, 500,
// at the same 14 mails/s with the send Lambda's timeout set to 72 s: 12 s of sending a run plus
// the same 60 s kept back. A tenth of the consultees in slices a tenth as long: the same number of
// runs, in a tenth of the time, each checked against the timeout it ran under.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executionArnOf, executionHistory } from '../../bench/support/execution-history.js';
import { functionRegistry } from '../../functions/registry.js';
import { LocalStackClient } from '../../local/client.js';
import { resolveLocalConfig } from '../../local/config.js';
import { type LocalStack, startLocalStack } from '../../local/runner.js';
import { proposalInput } from '../support/stack.js';
import { reportSoak, SOAK, soakSize } from './summary.js';

const RATE = SOAK ? 14 : 10;
const CONSULTEES = soakSize(12, 500);
/** Quick form: a slice of 5, so 12 consultees take three runs of SendConsultation. */
const SLICE_MAX = SOAK ? undefined : 5;
/** Long form: 12 s of sending a run (120 s / 10) and the 60 s the handler keeps back; quick: as deployed. */
const SEND_TIMEOUT_SECONDS = SOAK ? 72 : undefined;
/** What one run may send at most in the long form: the rate for 12 s. */
const LONG_SLICE = 14 * 12;
const registry = functionRegistry.map((f) =>
  f.name === 'send-consultation' && SEND_TIMEOUT_SECONDS ? { ...f, timeoutSeconds: SEND_TIMEOUT_SECONDS } : f,
);

const dataDir = mkdtempSync(join(tmpdir(), 'dpia-pace-'));
let stack: LocalStack;
let client: LocalStackClient;

beforeAll(async () => {
  process.env.DPIA_LOG_LEVEL ??= 'silent';
  if (SLICE_MAX) process.env.DPIA_SEND_SLICE_MAX = String(SLICE_MAX);
  const config = resolveLocalConfig(
    {},
    { dataDir, ports: { api: 0, dynamodb: 0, ses: 0, sfn: 0, smtp: 0, s3: 0 }, sesMaxSendRate: RATE },
  );
  stack = await startLocalStack({ config, registry });
  client = new LocalStackClient(stack.config);
  // A start on a busy shared machine can take longer than the default hook timeout.
}, 60_000);

afterAll(async () => {
  await stack?.close();
  delete process.env.DPIA_SEND_SLICE_MAX;
  rmSync(dataDir, { recursive: true, force: true });
});

/** SES's MaxSendRate as the local SES answers it, and the sends it refused for going faster. */
const sendQuota = async () =>
  (await (await fetch(`${stack.urls.ses}/send-quota`)).json()) as { maxSendRate: number; throttled: number };

describe('the sending pace', () => {
  it(`mails ${CONSULTEES} consultees at ${RATE} mails/s in slices, never throttled, no run past its timeout`, async () => {
    expect((await sendQuota()).maxSendRate).toBe(RATE);
    const input = proposalInput({ consultees: 1, tag: 'pace', deadlineSeconds: 7200 });
    input.consultees = Array.from({ length: CONSULTEES }, (_, i) => ({
      name: `Cllr Pace ${i}`,
      email: `pace${i}@parish.example`,
    }));
    const { proposalId, reference } = await client.openProposal(input);

    const detail = await client.waitFor(
      'every consultee mailed',
      async () => {
        const d = await client.api<{ status: string; consultation: { mailed: number } }>(
          'manager',
          'GET',
          `/proposals/${proposalId}`,
        );
        return d.body.consultation.mailed === CONSULTEES ? d.body : undefined;
      },
      SOAK ? 300_000 : 30_000,
    );
    expect(detail.status).toBe('consulting');

    const letters = (await client.sentMail()).filter((m) => m.subject.includes(`[${reference}]`));
    const recipients = new Set(letters.map((m) => m.destination?.to?.[0]));
    expect(letters).toHaveLength(CONSULTEES);
    expect(recipients.size).toBe(CONSULTEES);
    const { throttled } = await sendQuota();
    expect(throttled).toBe(0);

    // The continuation: SendConsultation ran more than once, each run a bounded slice, and the
    // lifecycle went on to wait for replies.
    const executionArn = executionArnOf(stack.stateMachineArn, proposalId);
    const sfn = new SFNClient({});
    const events = await client.waitFor('CollectResponses', async () => {
      const e = await executionHistory(sfn, executionArn);
      return e.some((x) => x.stateEnteredEventDetails?.name === 'CollectResponses') ? e : undefined;
    });
    const runs = events.filter((e) => e.stateEnteredEventDetails?.name === 'SendConsultation').length;
    const timeoutMs = (registry.find((f) => f.name === 'send-consultation')?.timeoutSeconds ?? 0) * 1000;
    const durations: number[] = [];
    let startedAt: number | undefined;
    for (const e of events) {
      if (e.type === 'LambdaFunctionStarted') startedAt = e.timestamp?.getTime();
      if (e.type === 'LambdaFunctionSucceeded' && startedAt !== undefined) {
        durations.push((e.timestamp?.getTime() ?? 0) - startedAt);
        startedAt = undefined;
      }
    }
    if (SOAK) {
      // At least as many runs as 500 at 168 a run; 5,000 at 14/s in 120 s runs make as many.
      expect(runs).toBeGreaterThanOrEqual(Math.ceil(CONSULTEES / LONG_SLICE));
    } else {
      expect(runs).toBe(Math.ceil(CONSULTEES / (SLICE_MAX as number)));
    }
    expect(durations.length).toBeGreaterThanOrEqual(runs);
    for (const d of durations) expect(d).toBeLessThan(timeoutMs);

    reportSoak('sending pace', {
      consultees: CONSULTEES,
      rate: RATE,
      runs,
      timeoutSeconds: timeoutMs / 1000,
      longestRunSeconds: Math.round(Math.max(...durations) / 1000),
      mailed: detail.consultation.mailed,
      throttled,
      lost: CONSULTEES - recipients.size,
      doubled: letters.length - recipients.size,
    });
  }, 360_000);
});
