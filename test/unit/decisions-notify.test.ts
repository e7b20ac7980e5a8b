// NotifyOutcome ("you said, we did") with DynamoDB and SES mocked; the templates are replaced by a
// JSON dump of the view, so the mail holds every value it was given.
import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/decisions/notify.handler.js';
import { sealDecision } from '../../functions/shared/chain.js';
import { consulteeKey, decisionKey, proposalKey } from '../../functions/shared/keys.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { unitEnv } from '../support/unit-env.js';

vi.mock('../../functions/shared/templates.js', () => ({
  renderPage: (name: string, view: object) => `<!-- ${name} -->${JSON.stringify(view)}`,
  renderMessage: (name: string, view: { reference?: string }) => ({
    subject: `${name} [${view.reference}]`,
    text: JSON.stringify(view),
    html: JSON.stringify(view),
  }),
}));

const ddb = mockClient(DynamoDBDocumentClient);
const ses = mockClient(SESClient);
// The evidence bucket, where each mail's copy is written before it goes.
const s3 = mockClient(S3Client);
const conditionFailed = () => Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' });

const input = ProposalInput.parse(
  JSON.parse(readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8')),
);
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
    decisionId: 'DEC-000001',
    proposalId: 'p-1',
    reference: 'DPIA-2026-0007',
    outcome: 'approved',
    // The approver quoted the site; the consultees must still not see it.
    rationale: `Approved for ${input.site.description} (${input.site.latitude}, ${input.site.longitude}): a clear need.`,
    conditions: 'Encrypt the back-office link before go-live.',
    decidedBy: input.approver.email,
    decidedAt: '2026-12-16T09:12:00.000Z',
    reviewDate: '2027-12-16',
    pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
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
const consultee = (c: typeof c1, status: string, stance: string | null) => ({
  ...consulteeKey('p-1', c.email),
  type: 'consultee',
  name: c.name,
  email: c.email,
  organisation: c.organisation,
  status,
  stance,
  respondedAt: null,
  late: false,
  senderMismatch: false,
  comment: null,
  mailMarker: 'sent',
  replyId: null,
  mailedAt: null,
});

const lateReplier = { ...c2, name: 'Cllr Late Replier', email: 'late.replier@ashford.example' };
const otherAddress = { ...c2, name: 'Cllr Other Address', email: 'other.address@ashford.example' };

let claimed: Set<string>;

function given(d: DecisionRecord) {
  ddb.on(GetCommand, { Key: decisionKey(1) }).resolves({ Item: { ...decisionKey(1), ...d } });
  ddb.on(GetCommand, { Key: proposalKey('p-1') }).resolves({ Item: { ...proposalKey('p-1'), ...proposal } });
  ddb.on(QueryCommand).resolves({
    Items: [
      consultee(c1, 'responded', 'support'),
      consultee(c2, 'mailed', null),
      consultee(c3, 'bounced', null),
      consultee(c4, 'responded', 'object'),
      // Replied after the deadline: not counted, but told the outcome like everyone who replied.
      { ...consultee(lateReplier, 'mailed', null), late: true },
      // Replied from another address nobody accepted: the outcome goes to their own address.
      { ...consultee(otherAddress, 'mailed', null), senderMismatch: true },
    ],
  });
}

const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);

unitEnv({ DPIA_SENDER_ADDRESS: 'dpia@camera-dpia.test', DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence' });

beforeEach(() => {
  ddb.reset();
  ses.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  claimed = new Set();
  ses.on(SendEmailCommand).resolves({ MessageId: 'm' });
  ddb.on(PutCommand).resolves({});
  // The outcome marker, as DynamoDB would keep it: a claim succeeds once per consultee.
  ddb.on(UpdateCommand).callsFake((command) => {
    const sk = String(command.Key.SK);
    if (command.ConditionExpression?.includes('attribute_not_exists(#m)')) {
      if (claimed.has(sk)) throw conditionFailed();
      claimed.add(sk);
    }
    if (command.UpdateExpression === 'REMOVE #m') claimed.delete(sk);
    return {};
  });
});

describe('notifyOutcome', () => {
  it('mails every consultee who replied, counted or not, and nobody else', async () => {
    given(decision());
    expect(await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).toEqual({ mailed: 4 });
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
    await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' });
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
    await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' });
    ses.resetHistory();
    ddb.resetHistory();
    expect(await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).toEqual({ mailed: 0 });
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
    await expect(handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).rejects.toThrow('throttled');
    ses.resetHistory();
    expect(await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).toEqual({ mailed: 1 });
    expect(mails().map((m) => m.Destination?.ToAddresses?.[0])).toEqual([c4.email]);
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
    expect(await handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).toEqual({ mailed: 0 });
    expect(mails()).toHaveLength(0);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('refuses a decision id that belongs to another proposal', async () => {
    given(decision({ proposalId: 'p-other' }));
    await expect(handler({ proposalId: 'p-1', decisionId: 'DEC-000001' })).rejects.toThrow(
      /not the decision/,
    );
    expect(mails()).toHaveLength(0);
  });
});
