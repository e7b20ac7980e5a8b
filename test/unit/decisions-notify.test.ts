// NotifyOutcome ("you said, we did") with DynamoDB and SES mocked; the templates are replaced by a
// JSON dump of the view, so the mail holds every value it was given.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/decisions/notify.handler.js';
import { sealDecision } from '../../functions/shared/chain.js';
import { consulteeKey, decisionKey, proposalKey } from '../../functions/shared/keys.js';
import type { Stance } from '../../functions/shared/model/consultation.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import type { ConsulteeRecord, ProposalRecord } from '../../functions/shared/store/proposals.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { decisionDraft, exampleInput, mailedConsultee } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

vi.mock('../../functions/shared/templates.js', () => import('../support/json-templates.js'));

const ddb = mockDocumentClient();
const ses = mockClient(SESClient);
// The evidence bucket, where each mail's copy is written before it goes.
const s3 = mockClient(S3Client);

const input = exampleInput();
const proposal: ProposalRecord = {
  proposalId: 'p-1',
  reference: 'DPIA-2026-0007',
  createdAt: '2026-11-01T09:00:00.000Z',
  createdBy: 'manager@police.example',
  updatedAt: '2026-12-16T09:00:00.000Z',
  status: 'approved',
  input,
  pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1', factors: [] },
  consultation: {
    deadline: input.responseDeadline,
    mailed: 4,
    responded: 2,
    late: 0,
    bounced: 1,
    tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
    closedAt: '2026-12-15T17:00:00.000Z',
  },
  executionArn: null,
  collectTaskToken: null,
  reviewId: 'rev-1',
  decisionId: 'DEC-000001',
};

const decision = (over: Partial<DecisionRecord> = {}): DecisionRecord =>
  sealDecision({
    // The shared draft (test/support/records.ts), with this proposal's facts.
    ...decisionDraft(1),
    decisionId: 'DEC-000001',
    reference: 'DPIA-2026-0007',
    // The approver quoted the site; the consultees must still not see it.
    rationale: `Approved for ${input.site.description} (${input.site.latitude}, ${input.site.longitude}): a clear need.`,
    conditions: 'Encrypt the back-office link before go-live.',
    decidedBy: input.approver.email,
    decidedAt: '2026-12-16T09:12:00.000Z',
    reviewDate: '2027-12-16',
    consultation: {
      mailed: 4,
      responded: 2,
      late: 0,
      tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
    },
    sequence: 1,
    prevHash: GENESIS_HASH,
    ...over,
  });

const [c1, c2, c3, c4] = input.consultees as [
  (typeof input.consultees)[0],
  (typeof input.consultees)[0],
  (typeof input.consultees)[0],
  (typeof input.consultees)[0],
];
const consultee = (c: typeof c1, status: ConsulteeRecord['status'], stance: Stance | null) => ({
  ...consulteeKey('p-1', c.email),
  type: 'consultee',
  ...mailedConsultee(c.email, { name: c.name, organisation: c.organisation, status, stance, mailedAt: null }),
});

const lateReplier = { ...c2, name: 'Cllr Late Replier', email: 'late.replier@ashford.example' };
const otherAddress = { ...c2, name: 'Cllr Other Address', email: 'other.address@ashford.example' };

let markers: Map<string, { outcomeMailed: string; outcomeClaimedAt?: number }>;

function given(d: DecisionRecord) {
  ddb.on(GetCommand, { Key: decisionKey(1) }).resolves({ Item: { ...decisionKey(1), ...d } });
  ddb.on(GetCommand, { Key: proposalKey('p-1') }).resolves({ Item: { ...proposalKey('p-1'), ...proposal } });
  const items = [
    consultee(c1, 'responded', 'support'),
    consultee(c2, 'mailed', null),
    consultee(c3, 'bounced', null),
    consultee(c4, 'responded', 'object'),
    // Replied after the deadline: not counted, but told the outcome like everyone who replied.
    { ...consultee(lateReplier, 'mailed', null), late: true },
    // Replied from another address nobody accepted: the outcome goes to their own address.
    { ...consultee(otherAddress, 'mailed', null), senderMismatch: true },
  ];
  // Each consultee as the table holds them now, outcome marker included.
  ddb.on(QueryCommand).callsFake(() => ({
    Items: items.map((item) => ({ ...item, ...markers.get(String(item.SK)) })),
  }));
}

const notify = (context = {} as Context) => handler({ proposalId: 'p-1', decisionId: 'DEC-000001' }, context);
/** What a run answers once nobody is left to mail: how many it mailed itself, done, nothing to wait for. */
const finishedAfterMailing = (mailed: number) => ({ mailed, done: true, waitSeconds: 0 });

const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);

unitEnv({ DPIA_SENDER_ADDRESS: 'dpia@camera-dpia.test', DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence' });

beforeEach(() => {
  ddb.reset();
  ses.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  markers = new Map();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
  ddb.on(PutCommand).resolves({});
  // The outcome marker, as DynamoDB would keep it: a claim holds unless the consultee was never
  // claimed or their claim is older than the lease and was never confirmed.
  ddb.on(UpdateCommand).callsFake((command) => {
    const sk = String(command.Key.SK);
    const held = markers.get(sk);
    const values = command.ExpressionAttributeValues ?? {};
    if (command.UpdateExpression.startsWith('SET #m = :sending')) {
      if (held && !(held.outcomeMailed === 'sending' && (held.outcomeClaimedAt ?? 0) < values[':stale'])) {
        throw conditionFailed();
      }
      markers.set(sk, { outcomeMailed: 'sending', outcomeClaimedAt: values[':now'] });
    } else if (command.UpdateExpression === 'REMOVE #m') markers.delete(sk);
    else markers.set(sk, { ...held, outcomeMailed: 'sent' });
    return {};
  });
});

describe('notifyOutcome', () => {
  it('mails every consultee who replied, counted or not, and nobody else', async () => {
    given(decision());
    expect(await notify()).toEqual(finishedAfterMailing(4));
    expect(
      mails()
        .map((m) => m.Destination?.ToAddresses?.[0])
        .sort(),
    ).toEqual([c1.email, c4.email, lateReplier.email, otherAddress.email].sort());
    const view = JSON.parse(mails()[0]?.Message?.Body?.Text?.Data ?? '{}');
    expect(view).toMatchObject({
      reference: 'DPIA-2026-0007',
      publicArea: 'Tenterden',
      outcome: 'approved',
      conditions: 'Encrypt the back-office link before go-live.',
      tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
      reviewDate: '16 December 2027',
    });
    expect(view.rationale).toContain('a clear need');
    const events = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.event);
    expect(events).toEqual(['outcome-mailed']);
  });

  it('never lets the site reach a consultee, even when the rationale quotes it', async () => {
    given(decision());
    await notify();
    expect(mails()).toHaveLength(4);
    for (const mail of mails()) {
      const whole = JSON.stringify(mail);
      expect(whole).not.toContain(input.site.description);
      expect(whole).not.toContain('Smallhythe Road');
      expect(whole).not.toContain(String(input.site.latitude));
      expect(whole).not.toContain(String(input.site.longitude));
      expect(whole).toContain('[location withheld]');
    }
  });

  it('mails each consultee once: a replay sends nothing', async () => {
    given(decision());
    await notify();
    ses.resetHistory();
    ddb.resetHistory();
    expect(await notify()).toEqual(finishedAfterMailing(0));
    expect(mails()).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('releases the claim when a mail fails, so the retry mails that consultee and only them', async () => {
    given(decision());
    let failed = false;
    ses.on(SendEmailCommand).callsFake((mail) => {
      if (!failed && mail.Destination?.ToAddresses?.[0] === c4.email) {
        failed = true;
        throw new Error('throttled');
      }
      return { MessageId: 'm' };
    });
    await expect(notify()).rejects.toThrow('throttled');
    ses.resetHistory();
    expect(await notify()).toEqual(finishedAfterMailing(1));
    expect(mails().map((m) => m.Destination?.ToAddresses?.[0])).toEqual([c4.email]);
  });

  it('takes again a claim a crashed run never confirmed, once it is stale, so nobody who replied goes untold', async () => {
    given(decision());
    // A run killed between claiming Cllr 1 and sending: the claim stands, no mail went.
    const crashedClaim = { outcomeMailed: 'sending', outcomeClaimedAt: Date.now() };
    markers.set(String(consulteeKey('p-1', c1.email).SK), crashedClaim);
    const first = await notify();
    // The others are told; the held one waits for the claim to go stale (120 s by default).
    expect(first).toMatchObject({ mailed: 3, done: false });
    expect(first.waitSeconds).toBeGreaterThan(100);
    expect(first.waitSeconds).toBeLessThanOrEqual(120);
    expect(mails().map((m) => m.Destination?.ToAddresses?.[0])).not.toContain(c1.email);
    expect(ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.event)).toEqual([]);

    crashedClaim.outcomeClaimedAt -= 121_000;
    ses.resetHistory();
    expect(await notify()).toEqual(finishedAfterMailing(1));
    expect(mails().map((m) => m.Destination?.ToAddresses?.[0])).toEqual([c1.email]);
    const events = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(events.map((e) => e?.event)).toEqual(['outcome-mailed']);
    expect(events[0]?.detail).toContain('mailed to 4 consultees');
  });

  it('mails no more than the invocation has time for at the sending rate; the next run goes on', async () => {
    given(decision());
    ses.on(GetSendQuotaCommand).resolves({ MaxSendRate: 1, Max24HourSend: 200, SentLast24Hours: 0 });
    // 22 s left: 2 s to send in at 0.9 mails a second once the reserve is kept.
    const context = { getRemainingTimeInMillis: () => 22_000 } as Context;
    const first = await notify(context);
    expect(first).toEqual({ mailed: 1, done: false, waitSeconds: 0 });
    expect(mails()).toHaveLength(1);
  });

  it('mails nobody for an insufficient-need rejection by the system', async () => {
    given(
      decision({
        outcome: 'rejected',
        decidedBy: 'system',
        reviewDate: null,
        pressingNeed: { score: 28, band: 'insufficient', policyVersion: '2026.1' },
      }),
    );
    expect(await notify()).toEqual(finishedAfterMailing(0));
    expect(mails()).toHaveLength(0);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('refuses a decision id that belongs to another proposal', async () => {
    given(decision({ proposalId: 'p-other' }));
    await expect(notify()).rejects.toThrow(/not the decision/);
    expect(mails()).toHaveLength(0);
  });
});
