// Reminders (SPEC 10) with DynamoDB, SES, S3, Step Functions and Secrets Manager mocked: who is
// reminded, the once-only claims (a retry or a second attempt sends nothing twice), the timeline
// event written once, and scheduling that never fails the lifecycle task that asks for it.
// Over 500 lines: the three reminders (consultees, approver, DPO) share one set of mocks and items.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sendConsultation } from '../../functions/consultation/send.js';
import { undecidedReason } from '../../functions/reminders/approver.js';
import {
  claimReminder,
  needsReminder,
  type RemindableConsultee,
} from '../../functions/reminders/consultees.js';
import type { ReminderRequest } from '../../functions/reminders/kinds.js';
import {
  reminderExecutionName,
  scheduleApproverReminder,
  scheduleConsulteeReminder,
  scheduleReminder,
} from '../../functions/reminders/schedule.js';
import { handler } from '../../functions/reminders/send.handler.js';
import { sendReminder } from '../../functions/reminders/send.js';
import { reviewUrl, signReview } from '../../functions/review/link.js';
import { requestApproval } from '../../functions/review/request.js';
import type { ReviewRecord } from '../../functions/review/store.js';
import { reviewKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { remindOnce } from '../../functions/shared/store/markers.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { refuseWhatDynamoRefuses } from '../support/dynamo-rules.js';
import { conditionHolds, type Item, transactUpdates, updateItem } from '../support/expressions.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockClient(DynamoDBDocumentClient);

refuseWhatDynamoRefuses(ddb);
const ses = mockClient(SESClient);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const secrets = mockClient(SecretsManagerClient);

const KEY = randomBytes(32);
const NOW = new Date('2026-12-10T09:00:00.000Z');
const DEADLINE = '2026-12-15T17:00:00.000Z';
const REMINDER_MACHINE = 'arn:aws:states:eu-west-2:000000000000:stateMachine:camera-dpia-reminder';
const example = ProposalInput.parse({
  ...JSON.parse(readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8')),
  responseDeadline: DEADLINE,
});

const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => ({
  proposalId: 'p-1',
  reference: 'DPIA-2026-0042',
  createdAt: '2026-12-01T09:00:00.000Z',
  createdBy: 'manager@police.example',
  updatedAt: '2026-12-01T09:00:00.000Z',
  status: 'consulting',
  input: example,
  pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1', factors: [] },
  consultation: {
    deadline: DEADLINE,
    mailed: 5,
    responded: 1,
    late: 0,
    bounced: 1,
    tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
    closedAt: null,
  },
  executionArn: null,
  collectTaskToken: null,
  reviewId: null,
  decisionId: null,
  ...over,
});

const consultee = (email: string, over: Partial<RemindableConsultee> = {}): RemindableConsultee => ({
  name: `Cllr ${email.split('@')[0]}`,
  email,
  status: 'mailed',
  stance: null,
  respondedAt: null,
  late: false,
  senderMismatch: false,
  comment: null,
  mailMarker: 'sent',
  replyId: null,
  mailedAt: '2026-12-01T09:01:00.000Z',
  ...over,
});

const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
  reviewId: 'rev-1',
  proposalId: 'p-1',
  approverEmail: example.approver.email,
  approverName: example.approver.name,
  expiresAt: '2026-12-29T17:00:00.000Z',
  state: 'open',
  taskToken: 'task-token',
  createdAt: '2026-12-15T17:00:00.000Z',
  mailMarker: 'sent',
  ...over,
});

/** One table in memory: items by PK and SK, conditions and SET updates evaluated for real. */
class FakeTable {
  items = new Map<string, Item>();
  private id = (key: { PK: unknown; SK: unknown }) => `${key.PK}|${key.SK}`;

  put(item: Item) {
    this.items.set(this.id(item as { PK: string; SK: string }), structuredClone(item));
  }
  get(PK: string, SK: string): Item | undefined {
    return this.items.get(`${PK}|${SK}`);
  }
  where(prefix: string): Item[] {
    return [...this.items.values()].filter((i) => String(i.PK).startsWith(prefix));
  }
  events(): Item[] {
    return [...this.items.values()].filter((i) => String(i.SK).startsWith('EVENT#'));
  }

  install() {
    ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => ({
      Item: structuredClone(this.items.get(this.id(input.Key as { PK: string; SK: string }))),
    }));
    ddb.on(QueryCommand).callsFake(async (input: { ExpressionAttributeValues: Item }) => ({
      Items: [...this.items.values()].filter(
        (i) =>
          i.PK === input.ExpressionAttributeValues[':pk'] &&
          String(i.SK).startsWith(String(input.ExpressionAttributeValues[':prefix'] ?? '')),
      ),
    }));
    ddb.on(BatchWriteCommand).callsFake(async (input: BatchWriteCommandInput) => {
      for (const request of Object.values(input.RequestItems ?? {}).flat())
        this.put(request.PutRequest?.Item as Item);
      return {};
    });
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      const current = this.items.get(this.id(input.Item as { PK: string; SK: string }));
      if (!conditionHolds(current, input)) throw conditionFailed();
      this.put(input.Item as Item);
      return {};
    });
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      const id = this.id(input.Key as { PK: string; SK: string });
      const current = this.items.get(id);
      const removal = /^REMOVE (#\w+)$/.exec(input.UpdateExpression ?? '');
      if (removal) {
        // settle...(false): the claim given back (the evaluator handles SET only).
        if (!conditionHolds(current, input)) throw conditionFailed();
        const next = structuredClone(current) as Item;
        delete next[input.ExpressionAttributeNames?.[removal[1] as string] as string];
        this.items.set(id, next);
        return {};
      }
      const { next, output } = updateItem(current, input);
      this.items.set(id, next);
      return output;
    });
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) =>
      transactUpdates(
        input,
        (key) => this.items.get(this.id(key as { PK: string; SK: string })),
        (key, next) => this.items.set(this.id(key as { PK: string; SK: string }), next),
      ),
    );
  }
}

const conditionFailed = () => Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const mails = () => ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input as SendEmailCommandInput);
const recipients = () => mails().map((m) => m.Destination?.ToAddresses?.[0]);
const everything = (m: SendEmailCommandInput) =>
  `${m.Message?.Subject?.Data}\n${m.Message?.Body?.Text?.Data}\n${m.Message?.Body?.Html?.Data}`;

let table: FakeTable;

function given(p: ProposalRecord, consultees: RemindableConsultee[] = [], reviews: ReviewRecord[] = []) {
  table = new FakeTable();
  table.put({ PK: `PROPOSAL#${p.proposalId}`, SK: 'META', ...p });
  for (const c of consultees)
    table.put({ PK: `PROPOSAL#${p.proposalId}`, SK: `CONSULTEE#${c.email}`, type: 'consultee', ...c });
  for (const r of reviews) table.put({ PK: `REVIEW#${r.reviewId}`, SK: 'REVIEW', type: 'review', ...r });
  table.install();
}

const consulteesRequest: ReminderRequest = {
  proposalId: 'p-1',
  kind: 'consultees',
  roundId: null,
  remindAt: '2026-12-12T17:00:00Z',
};
const approverRequest: ReminderRequest = {
  proposalId: 'p-1',
  kind: 'approver',
  roundId: 'rev-1',
  remindAt: '2026-12-18T17:00:00Z',
};

/** Everyone a consultee can be; only the last two still owe an answer. */
const MIXED = [
  consultee('replied@council.example', {
    status: 'responded',
    stance: 'support',
    respondedAt: '2026-12-02T09:00:00.000Z',
  }),
  consultee('bounced@council.example', { status: 'bounced' }),
  consultee('other-address@council.example', { senderMismatch: true }),
  consultee('not-mailed@council.example', { status: 'pending', mailMarker: null }),
  consultee('silent-a@council.example'),
  consultee('silent-b@parish.example'),
];

unitEnv(
  {
    DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence',
    DPIA_INBOUND_DOMAIN: 'replies.example',
    DPIA_SENDER_ADDRESS: 'dpia@police.example',
    DPIA_PUBLIC_BASE_URL: 'https://dpia.example.police.uk',
    DPIA_REVIEW_KEY_SECRET_ID: 'camera-dpia/review-link-key',
    DPIA_REMINDER_STATE_MACHINE_ARN: REMINDER_MACHINE,
    DPIA_REMINDER_HOURS: '',
    DPIA_APPROVAL_REMINDER_HOURS: '',
  },
  { each: true },
);
beforeEach(() => {
  ddb.reset();
  ses.reset();
  s3.reset();
  sfn.reset();
  secrets.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
  s3.on(PutObjectCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY.toString('base64') });
});

describe('who the consultees reminder is for', () => {
  it('is every mailed consultee with no answer of any kind, and nobody else', () => {
    expect(MIXED.filter(needsReminder).map((c) => c.email)).toEqual([
      'silent-a@council.example',
      'silent-b@parish.example',
    ]);
    expect(needsReminder(consultee('x@e.example', { reminderMarker: 'sent' }))).toBe(false);
    expect(needsReminder(consultee('x@e.example', { reminderMarker: 'sending' }))).toBe(false);
    expect(needsReminder(consultee('x@e.example', { mailMarker: 'sending' }))).toBe(false);
  });

  it('claims with the same test in DynamoDB: an answer or a bounce after the listing stops the mail', async () => {
    given(proposal(), [consultee('a@e.example'), consultee('b@e.example')]);
    expect(await claimReminder('p-1', 'a@e.example')).toBe(true);
    expect(await claimReminder('p-1', 'a@e.example')).toBe(false); // a second attempt
    table.put({ ...(table.get('PROPOSAL#p-1', 'CONSULTEE#b@e.example') as Item), status: 'responded' });
    expect(await claimReminder('p-1', 'b@e.example')).toBe(false);
    table.put({
      ...(table.get('PROPOSAL#p-1', 'CONSULTEE#b@e.example') as Item),
      status: 'mailed',
      senderMismatch: true,
    });
    expect(await claimReminder('p-1', 'b@e.example')).toBe(false);
  });
});

describe('SendReminder for the consultees', () => {
  it('mails each consultee with no reply once, from the public letter, with a fresh reply token of theirs', async () => {
    given(proposal(), MIXED);

    const result = await sendReminder(consulteesRequest, NOW);

    expect(result).toEqual({ kind: 'consultees', reminded: 2, sent: 2 });
    expect(recipients().sort()).toEqual(['silent-a@council.example', 'silent-b@parish.example']);
    for (const mail of mails()) {
      expect(mail.Message?.Subject?.Data).toMatch(/^Reminder: .*\[DPIA-2026-0042\]$/);
      expect(everything(mail)).toContain('Tenterden');
      expect(everything(mail)).not.toContain(example.site.description);
      expect(everything(mail)).not.toContain(String(example.site.latitude));
      const token = /^consult\+([0-9a-f]{32})@replies\.example$/.exec(mail.ReplyToAddresses?.[0] ?? '')?.[1];
      // Only the hash is stored, and it leads to this consultee of this proposal.
      expect(table.get(`TOKEN#${sha256(token as string)}`, 'TOKEN')).toMatchObject({
        proposalId: 'p-1',
        email: mail.Destination?.ToAddresses?.[0],
      });
      expect(JSON.stringify(ddb.calls().map((c) => c.args[0].input))).not.toContain(token as string);
    }
    expect(table.get('PROPOSAL#p-1', 'CONSULTEE#silent-a@council.example')).toMatchObject({
      reminderMarker: 'sent',
    });
    expect(table.events().map((e) => e.detail)).toEqual([
      'Reminder sent to 2 consultees who have not replied',
    ]);
    // Evidence copies, credentials withheld.
    const copies = s3.commandCalls(PutObjectCommand).map((c) => String(c.args[0].input.Body));
    expect(copies.join('')).toContain('consultation-reminder');
    expect(copies.join('')).toContain('[reply token withheld]');
  });

  it('sends nothing twice when the task runs again, and records the reminder once', async () => {
    given(proposal(), MIXED);
    await sendReminder(consulteesRequest, NOW);
    await sendReminder(consulteesRequest, new Date(NOW.getTime() + 5000));
    expect(mails()).toHaveLength(2);
    expect(table.events()).toHaveLength(1);
  });

  it('finishes a crashed attempt: reminds the rest and counts everyone in one event', async () => {
    const remindedBefore = consultee('silent-a@council.example', { reminderMarker: 'sent' });
    given(proposal(), [...MIXED.slice(0, 4), remindedBefore, consultee('silent-b@parish.example')]);
    const result = await sendReminder(consulteesRequest, NOW);
    expect(recipients()).toEqual(['silent-b@parish.example']);
    expect(result.reminded).toBe(2);
    expect(table.events().map((e) => e.detail)).toEqual([
      'Reminder sent to 2 consultees who have not replied',
    ]);
  });

  it.each([
    [
      'closed early',
      proposal({
        status: 'awaiting-approval',
        consultation: { ...proposal().consultation, closedAt: '2026-12-10T09:00:00.000Z' },
      }),
    ],
    ['withdrawn', proposal({ status: 'withdrawn' })],
    ['past its deadline', proposal({ input: { ...example, responseDeadline: '2026-12-10T08:59:59.000Z' } })],
  ])('sends nothing once the consultation is %s', async (_, p) => {
    given(p, MIXED);
    expect(await sendReminder(consulteesRequest, NOW)).toMatchObject({ reminded: 0, sent: 0 });
    expect(mails()).toEqual([]);
    expect(table.events()).toEqual([]);
    expect(
      ddb.commandCalls(UpdateCommand).filter((c) => String(c.args[0].input.Key?.SK).startsWith('CONSULTEE#')),
    ).toEqual([]);
  });

  it('gives the claim back when SES refuses, so the retry of the task can remind them', async () => {
    given(proposal(), [consultee('silent-a@council.example')]);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    await expect(sendReminder(consulteesRequest, NOW)).rejects.toThrow('throttled');
    expect(table.get('PROPOSAL#p-1', 'CONSULTEE#silent-a@council.example')?.reminderMarker).toBeUndefined();
    expect(table.events()).toEqual([]);

    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-2' });
    expect(await sendReminder(consulteesRequest, NOW)).toMatchObject({ reminded: 1, sent: 1 });
    expect(table.events().map((e) => e.detail)).toEqual(['Reminder sent to 1 consultee who has not replied']);
  });
});

describe('SendReminder for the approver', () => {
  const waiting = () => proposal({ status: 'awaiting-approval', reviewId: 'rev-1' });

  it('repeats the very link first sent, once, and says so on the timeline', async () => {
    given(waiting(), [], [review()]);
    expect(await sendReminder(approverRequest, NOW)).toMatchObject({ reminded: 1, sent: 1 });
    expect(recipients()).toEqual([example.approver.email]);
    const [mail] = mails();
    expect(mail?.Message?.Subject?.Data).toMatch(/^Reminder: .*\[DPIA-2026-0042\]$/);
    expect(mail?.Message?.Body?.Text?.Data).toContain(
      reviewUrl('https://dpia.example.police.uk', 'rev-1', signReview(KEY, review())),
    );
    expect(table.events().map((e) => e.detail)).toEqual([
      expect.stringMatching(/^Reminder sent to the approver, /),
    ]);

    await sendReminder(approverRequest, NOW);
    expect(mails()).toHaveLength(1);
    expect(table.events()).toHaveLength(1);
  });

  it.each([
    ['decided', waiting(), review({ state: 'decided' })],
    ['void (link re-issued or proposal withdrawn)', waiting(), review({ state: 'void' })],
    ['expired', waiting(), review({ expiresAt: '2026-12-10T08:00:00.000Z' })],
    ['superseded by a newer review', proposal({ status: 'awaiting-approval', reviewId: 'rev-2' }), review()],
    ['of a decided proposal', proposal({ status: 'approved', reviewId: 'rev-1' }), review()],
  ])('sends nothing when the review is %s', async (_, p, r) => {
    given(p, [], [r]);
    expect(await sendReminder(approverRequest, NOW)).toMatchObject({ reminded: 0, sent: 0 });
    expect(mails()).toEqual([]);
    expect(table.events()).toEqual([]);
  });

  it('claims only an open, unexpired review whose link went out', async () => {
    const claimApproverReminder = (reviewId: string, at: Date) =>
      remindOnce(reviewKey(reviewId), at, async () => undefined);
    given(waiting(), [], [review(), review({ reviewId: 'rev-d', state: 'decided' })]);
    expect(await claimApproverReminder('rev-d', NOW)).toBe(false);
    expect(await claimApproverReminder('rev-1', new Date('2026-12-30T00:00:00.000Z'))).toBe(false);
    expect(await claimApproverReminder('rev-1', NOW)).toBe(true);
    expect(await claimApproverReminder('rev-1', NOW)).toBe(false);
    expect(undecidedReason(waiting(), review({ mailMarker: 'sending' }), NOW)).toBe('review link not sent');
  });
});

describe('the SendReminder handler', () => {
  it('refuses an event that is not a reminder', async () => {
    await expect(handler({ proposalId: 'p-1', kind: 'someone-else' }, {} as never)).rejects.toThrow(
      /SendReminder needs/,
    );
  });
});

describe('scheduling a reminder', () => {
  const starts = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);

  it('starts one execution per reminder, named for it, carrying when it is due', async () => {
    expect(
      await scheduleReminder({
        proposalId: 'p-1',
        kind: 'consultees',
        remindAt: new Date('2026-12-12T17:00:00.250Z'),
        now: NOW,
      }),
    ).toBe('scheduled');
    expect(starts()).toEqual([
      {
        stateMachineArn: REMINDER_MACHINE,
        name: 'p-1-consultees',
        input: JSON.stringify({
          proposalId: 'p-1',
          kind: 'consultees',
          roundId: null,
          remindAt: '2026-12-12T17:00:01Z',
        }),
      },
    ]);
    expect(reminderExecutionName('p-1', 'approver', 'rev_-1')).toBe('p-1-approver-rev_-1');
    expect(reminderExecutionName('p-1', 'approver', 'x'.repeat(90))).toMatch(/^p-1-approver-[0-9a-f]{24}$/);
  });

  it("takes reminderHours before the deadline (the proposal's own first; fractions allowed)", async () => {
    vi.stubEnv('DPIA_REMINDER_HOURS', '0.5');
    await scheduleConsulteeReminder(proposal(), NOW);
    await scheduleConsulteeReminder(proposal({ input: { ...example, reminderHours: 24 } }), NOW);
    vi.stubEnv('DPIA_REMINDER_HOURS', '');
    await scheduleConsulteeReminder(proposal(), NOW);
    expect(starts().map((s) => JSON.parse(s.input as string).remindAt)).toEqual([
      '2026-12-15T16:30:00Z',
      '2026-12-14T17:00:00Z',
      '2026-12-12T17:00:00Z',
    ]);
  });

  it('takes approvalReminderHours after the review opened, unless the link expires first', async () => {
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', '48');
    expect(await scheduleApproverReminder(review(), NOW)).toBe('scheduled');
    expect(starts()[0]).toMatchObject({ name: 'p-1-approver-rev-1' });
    expect(JSON.parse(starts()[0]?.input as string)).toMatchObject({
      roundId: 'rev-1',
      remindAt: '2026-12-17T17:00:00Z',
    });
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', String(15 * 24));
    expect(await scheduleApproverReminder(review(), NOW)).toBe('not-needed');
    expect(starts()).toHaveLength(1);
  });

  it('schedules none when the reminder would be due already (the deadline is nearer than reminderHours)', async () => {
    const soon = proposal({ input: { ...example, responseDeadline: '2026-12-12T17:00:00.000Z' } });
    expect(await scheduleConsulteeReminder(soon, NOW)).toBe('not-needed');
    expect(starts()).toEqual([]);
  });

  it('treats a reminder that exists already as scheduled, and never fails the task that asks', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('already-scheduled');
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('failed');
    vi.stubEnv('DPIA_REMINDER_HOURS', 'three days');
    expect(await scheduleConsulteeReminder(proposal(), NOW)).toBe('failed');
  });
});

describe('the lifecycle tasks that schedule reminders', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('SendConsultation schedules the consultees reminder and still succeeds when Step Functions is down', async () => {
    given(proposal({ status: 'consulting', consultation: { ...proposal().consultation, mailed: 0 } }), [
      consultee('new@council.example', { status: 'pending', mailMarker: null }),
    ]);
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    await expect(sendConsultation('p-1')).resolves.toMatchObject({ mailed: 1 });
    expect(recipients()).toEqual(['new@council.example']);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual([
      'p-1-consultees',
    ]);
  });

  it('RequestApproval schedules the approver reminder for the review it opened, after mailing the link', async () => {
    vi.stubEnv('DPIA_APPROVAL_REMINDER_HOURS', '24');
    given(proposal({ status: 'consulting' }));
    const result = await requestApproval({ proposalId: 'p-1', taskToken: 'task-1' }, NOW);
    expect(result.mailed).toBe(true);
    const [start] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(start?.name).toBe(`p-1-approver-${result.reviewId}`);
    expect(JSON.parse(start?.input as string)).toEqual({
      proposalId: 'p-1',
      kind: 'approver',
      roundId: result.reviewId,
      remindAt: '2026-12-11T09:00:00Z',
    });
    // A replay of the task (same token) mails nobody and asks for the same reminder again.
    await requestApproval({ proposalId: 'p-1', taskToken: 'task-1' }, NOW);
    expect(mails()).toHaveLength(1);
    expect(new Set(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).size).toBe(1);
  });
});

describe("a proposal's own reminderHours", () => {
  const raw = JSON.parse(
    readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
  );

  it('is optional, may be a fraction, and must be more than 0 and at most a year', () => {
    expect(ProposalInput.parse(raw).reminderHours).toBeUndefined();
    expect(ProposalInput.parse({ ...raw, reminderHours: 1.5 }).reminderHours).toBe(1.5);
    for (const bad of [0, -1, 9000, '72']) {
      const parsed = ProposalInput.safeParse({ ...raw, reminderHours: bad });
      expect(parsed.success, String(bad)).toBe(false);
      expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['reminderHours']);
    }
  });
});
