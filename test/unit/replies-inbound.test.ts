// The inbound-mail handler (functions/replies/inbound.ts) with DynamoDB as a stand-in table that
// evaluates the handler's real conditions, and S3, Step Functions and SES mocked: counted responses,
// duplicates, replies kept but not counted, bounces, newer and older replies, forged tokens, the
// handler edge and its logs.
// Over 500 lines: one table fixture serves every case; split, each file would rebuild it.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import {
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import {
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consulteeCountKey } from '../../functions/consultation/summary.js';
import { handler } from '../../functions/replies/inbound.handler.js';
import { rawMailKey } from '../../functions/shared/config.js';
import {
  consulteeKey,
  proposalKey,
  replyKey,
  replyTokenKey,
  unmatchedReplyKey,
} from '../../functions/shared/keys.js';
import { Reply } from '../../functions/shared/model/consultation.js';
import type { SesReceiptEvent } from '../../functions/shared/ses-event.js';
import { refuseWhatDynamoRefuses } from '../support/dynamo-rules.js';
import {
  checkPlaceholders,
  conditionHolds,
  type Item,
  transactUpdates,
  updateItem,
} from '../support/expressions.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockClient(DynamoDBDocumentClient);

refuseWhatDynamoRefuses(ddb);
const s3 = mockClient(S3Client);
const sfn = mockClient(SFNClient);
const ses = mockClient(SESClient);

const PROPOSAL_ID = 'p-789';
const DEADLINE = '2026-12-15T17:00:00.000Z';
const DOMAIN = 'replies.camera-dpia.test';
const SUBJECT = 'Re: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]';
const COLLECT_TOKEN = 'collect-task-token-secret';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SES_EVENT: SesReceiptEvent = JSON.parse(
  readFileSync(join(FIXTURES, 'ses', 'receipt-event.json'), 'utf8'),
);

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

const keyOf = (key: { PK?: unknown; SK?: unknown } | undefined): string =>
  `${String(key?.PK)}|${String(key?.SK)}`;
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/**
 * A DynamoDB table in memory that evaluates the condition and update expressions these modules
 * write (comparisons, attribute_exists/not_exists/type, AND/OR/NOT, SET), so the tests exercise the
 * real conditional logic rather than canned answers.
 */
class FakeTable {
  items = new Map<string, Item>();
  /** Makes the next consultee update (alone or in a transaction) fail as a throttled request would. */
  failNextConsulteeUpdate = false;
  /** Cancels the next transaction as DynamoDB does when another request wrote one of its items. */
  conflictNextTransaction = false;

  put(item: Item): void {
    this.items.set(keyOf(item), structuredClone(item));
  }

  get(key: { PK: string; SK: string }): Item | undefined {
    return this.items.get(keyOf(key));
  }

  ofPrefix(prefix: string): Item[] {
    return [...this.items.values()].filter((item) => String(item.SK).startsWith(prefix));
  }

  install(): void {
    ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => {
      checkPlaceholders(input);
      const item = this.items.get(keyOf(input.Key));
      return { Item: item ? structuredClone(item) : undefined };
    });
    ddb.on(PutCommand).callsFake(async (input: PutCommandInput) => {
      const item = input.Item as Item;
      if (!conditionHolds(this.items.get(keyOf(item)), input)) throw conditionFailed();
      this.put(item);
      return {};
    });
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      const key = keyOf(input.Key);
      if (this.failNextConsulteeUpdate && key.includes('|CONSULTEE#')) {
        this.failNextConsulteeUpdate = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      const { next, output } = updateItem(this.items.get(key), input);
      this.items.set(key, next);
      return output;
    });
    ddb.on(TransactWriteCommand).callsFake(async (input: TransactWriteCommandInput) => {
      const items = input.TransactItems ?? [];
      if (this.conflictNextTransaction) {
        this.conflictNextTransaction = false;
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: items.map(() => ({ Code: 'TransactionConflict' })),
        });
      }
      if (this.failNextConsulteeUpdate && items.some((i) => keyOf(i.Update?.Key).includes('|CONSULTEE#'))) {
        this.failNextConsulteeUpdate = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return transactUpdates(
        input,
        (key) => this.items.get(keyOf(key)),
        (key, next) => this.items.set(keyOf(key), next),
      );
    });
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => {
      const values = input.ExpressionAttributeValues ?? {};
      const prefix = typeof values[':prefix'] === 'string' ? values[':prefix'] : '';
      const items = [...this.items.values()].filter(
        (item) => item.PK === values[':pk'] && String(item.SK).startsWith(prefix),
      );
      return { Items: structuredClone(items) };
    });
  }
}

const EMAIL_A = 'a.jones@tenterden.example';
/** Stored as the manager typed it: the reply From is compared case-insensitively. */
const EMAIL_B = 'R.Hollis@tenterden.example';
const TOKEN_A = randomBytes(16).toString('hex');
const TOKEN_B = randomBytes(16).toString('hex');

function consulteeItem(email: string, name: string): Item {
  return {
    ...consulteeKey(PROPOSAL_ID, email),
    type: 'consultee',
    name,
    email,
    status: 'mailed',
    stance: null,
    respondedAt: null,
    late: false,
    senderMismatch: false,
    comment: null,
    mailMarker: 'sent',
    replyId: null,
    mailedAt: '2026-12-07T10:02:13.000Z',
    countVersion: 1,
  };
}

/** As SendConsultation's recount leaves a mailed consultee in the counts. */
const MAILED_STATE = { mailed: true, status: 'mailed', stance: null, version: 1 };

function seed(table: FakeTable, options: { collectTaskToken?: string | null } = {}): void {
  table.put({
    ...proposalKey(PROPOSAL_ID),
    type: 'proposal',
    proposalId: PROPOSAL_ID,
    reference: 'DPIA-2026-0001',
    status: 'consulting',
    input: {
      responseDeadline: DEADLINE,
      consultees: [
        { name: 'Cllr Siân Jones', email: EMAIL_A },
        { name: 'Robin Hollis', email: EMAIL_B },
      ],
    },
    consultation: {
      deadline: DEADLINE,
      mailed: 2,
      responded: 0,
      late: 0,
      bounced: 0,
      tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
      closedAt: null,
    },
    countedStates: {
      [consulteeCountKey(EMAIL_A)]: MAILED_STATE,
      [consulteeCountKey(EMAIL_B)]: MAILED_STATE,
    },
    countsVersion: 1,
    consulteeCount: 2,
    collectTaskToken: options.collectTaskToken === undefined ? COLLECT_TOKEN : options.collectTaskToken,
  });
  table.put(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
  table.put(consulteeItem(EMAIL_B, 'Robin Hollis'));
  // Token A names its consultee, as SendConsultation stores tokens now; token B is from before.
  table.put({
    ...replyTokenKey(sha256(TOKEN_A)),
    type: 'reply-token',
    proposalId: PROPOSAL_ID,
    email: EMAIL_A,
    name: 'Cllr Siân Jones',
  });
  table.put({
    ...replyTokenKey(sha256(TOKEN_B)),
    type: 'reply-token',
    proposalId: PROPOSAL_ID,
    email: EMAIL_B,
  });
}

const objects = new Map<string, Buffer>();
let table: FakeTable;
let output: string[];

interface Mail {
  from?: string;
  text?: string;
  subject?: string;
  date?: string;
  messageId?: string;
  headers?: Record<string, string>;
}

const buildMail = (mail: Mail): Promise<Buffer> =>
  new MailComposer({
    from: mail.from ?? `Siân Jones <${EMAIL_A}>`,
    to: `consult+${TOKEN_A}@${DOMAIN}`,
    subject: mail.subject ?? SUBJECT,
    text: mail.text ?? 'SUPPORT\n\nThe parish council agreed on Tuesday.',
    date: new Date(mail.date ?? '2026-12-08T10:00:00Z'),
    messageId: mail.messageId ?? `<${randomBytes(8).toString('hex')}@mail.example>`,
    ...(mail.headers ? { headers: mail.headers } : {}),
  })
    .compile()
    .build();

/** Stores the raw mail where SES puts it and invokes the handler with the receipt event. */
async function deliver(
  raw: Buffer,
  options: {
    to?: string;
    receivedAt?: string;
    sesId?: string;
    verdicts?: { spf?: string; dkim?: string; dmarc?: string };
    /** The envelope sender (MAIL FROM); a delivery report's is empty (the null reverse-path). */
    source?: string;
  } = {},
): Promise<unknown> {
  const sesId = options.sesId ?? randomBytes(20).toString('hex');
  const recipient = options.to ?? `consult+${TOKEN_A}@${DOMAIN}`;
  const receivedAt = options.receivedAt ?? '2026-12-08T10:00:05.000Z';
  objects.set(rawMailKey(sesId), raw);
  const event = structuredClone(SES_EVENT);
  const record = event.Records[0];
  if (!record) throw new Error('fixture has no record');
  record.ses.mail.messageId = sesId;
  record.ses.mail.timestamp = receivedAt;
  if (options.source !== undefined) record.ses.mail.source = options.source;
  record.ses.mail.destination = [recipient];
  record.ses.receipt.timestamp = receivedAt;
  record.ses.receipt.recipients = [recipient];
  const receipt = record.ses.receipt as unknown as Record<string, { status: string }>;
  for (const [method, status] of Object.entries(options.verdicts ?? {})) {
    receipt[`${method}Verdict`] = { status: status as string };
  }
  return handler(event, {} as Context);
}

const consultee = (email: string) => table.get(consulteeKey(PROPOSAL_ID, email)) as Item;

/** Every write of one kind the handler asked for, alone or in a transaction (refused ones too). */
function writesOf<K extends 'Put' | 'Update'>(kind: K) {
  const alone = (kind === 'Put' ? ddb.commandCalls(PutCommand) : ddb.commandCalls(UpdateCommand)).map(
    (call) => call.args[0].input as PutCommandInput & UpdateCommandInput,
  );
  const inTransactions = ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((call) => call.args[0].input.TransactItems ?? [])
    .flatMap((item) => (item[kind] ? [item[kind] as PutCommandInput & UpdateCommandInput] : []));
  return [...alone, ...inTransactions];
}
const proposal = () => table.get(proposalKey(PROPOSAL_ID)) as Item;
const replies = () => table.ofPrefix('REPLY#');
const events = () => table.ofPrefix('EVENT#');
const taskSuccesses = () => sfn.commandCalls(SendTaskSuccessCommand);

unitEnv({ DPIA_RAW_MAIL_BUCKET: 'camera-dpia-inbound-mail', DPIA_LOG_LEVEL: 'debug' }, { each: true });
beforeEach(() => {
  ddb.reset();
  s3.reset();
  sfn.reset();
  ses.reset();
  objects.clear();
  table = new FakeTable();
  seed(table);
  table.install();
  s3.on(GetObjectCommand).callsFake(async (input: { Bucket: string; Key: string }) => {
    const raw = objects.get(input.Key);
    if (input.Bucket !== 'camera-dpia-inbound-mail' || !raw) {
      throw new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} });
    }
    return { Body: { transformToByteArray: async () => new Uint8Array(raw) } };
  });
  sfn.on(SendTaskSuccessCommand).resolves({});
  // Every line the code under test writes is captured (and kept off the test output).
  output = [];
  const capture = (chunk: string | Uint8Array): boolean => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('InboundMail: counted responses', () => {
  it('matches the consultee from a token that names them, and reads the consultee for an older token', async () => {
    const consulteeReads = (email: string) =>
      ddb
        .commandCalls(GetCommand)
        .filter((c) => keyOf(c.args[0].input.Key) === keyOf(consulteeKey(PROPOSAL_ID, email))).length;
    await deliver(await buildMail({ messageId: '<named-token@mail.example>' }));
    await deliver(await buildMail({ from: EMAIL_B, messageId: '<older-token@mail.example>' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });

    expect(consulteeReads(EMAIL_A)).toBe(0);
    expect(consulteeReads(EMAIL_B)).toBe(1);
    expect(table.get(consulteeKey(PROPOSAL_ID, EMAIL_A))).toMatchObject({ status: 'responded' });
    expect(table.get(consulteeKey(PROPOSAL_ID, EMAIL_B))).toMatchObject({ status: 'responded' });
    expect(events().map((e) => e.detail)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Cllr Siân Jones'),
        expect.stringContaining('Robin Hollis'),
      ]),
    );
  });

  it('stores the reply, updates the consultee, the summary and the timeline', async () => {
    const messageId = '<first-reply-1@mail.example>';
    await expect(deliver(await buildMail({ messageId }), { sesId: 'ses-1' })).resolves.toEqual({
      disposition: 'CONTINUE',
    });

    const stored = replies();
    expect(stored).toHaveLength(1);
    const item = table.get(replyKey(PROPOSAL_ID, sha256(messageId))) as Item;
    const { PK: _pk, SK: _sk, type, ...fields } = item;
    expect(type).toBe('reply');
    expect(Reply.parse(fields)).toEqual({
      replyId: sha256(messageId),
      proposalId: PROPOSAL_ID,
      consulteeEmail: EMAIL_A,
      kind: 'response',
      messageId,
      from: EMAIL_A,
      subject: SUBJECT,
      receivedAt: '2026-12-08T10:00:05.000Z',
      stance: 'support',
      stanceReason: 'the keyword on the first line: "SUPPORT"',
      comment: 'SUPPORT\n\nThe parish council agreed on Tuesday.',
      late: false,
      senderMismatch: false,
      rawKey: rawMailKey('ses-1'),
    });

    expect(consultee(EMAIL_A)).toMatchObject({
      status: 'responded',
      stance: 'support',
      stanceReason: 'the keyword on the first line: "SUPPORT"',
      respondedAt: '2026-12-08T10:00:00.000Z',
      comment: 'SUPPORT\n\nThe parish council agreed on Tuesday.',
      replyId: sha256(messageId),
      late: false,
      senderMismatch: false,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 1,
      tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
    });
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({
      event: 'reply-received',
      detail: 'Cllr Siân Jones replied: support.',
    });
    // One of two consultees has answered: the workflow keeps waiting.
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('closes early with exactly one SendTaskSuccess when the last consultee responds', async () => {
    await deliver(await buildMail({ text: 'OBJECT' }));
    expect(taskSuccesses()).toHaveLength(0);
    await deliver(
      await buildMail({ from: `Robin Hollis <${EMAIL_B.toLowerCase()}>`, text: 'I have no objection.' }),
      {
        to: `consult+${TOKEN_B}@${DOMAIN}`,
      },
    );

    expect(consultee(EMAIL_B)).toMatchObject({
      status: 'responded',
      stance: 'support',
      senderMismatch: false,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 2,
      tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
    });
    expect(taskSuccesses()).toHaveLength(1);
    expect(taskSuccesses()[0]?.args[0].input).toEqual({
      taskToken: COLLECT_TOKEN,
      output: JSON.stringify({ closedEarly: true }),
    });
  });

  it('counts an unclassified response: it is kept for triage, and the consultee has answered', async () => {
    await deliver(await buildMail({ text: 'Thanks, I will read this at the weekend.' }));
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'unclassified' });
    expect(proposal().consultation).toMatchObject({ tally: { unclassified: 1 } });
  });

  it('does not close early while CollectResponses has not stored its token yet', async () => {
    table = new FakeTable();
    seed(table, { collectTaskToken: null });
    table.install();
    await deliver(await buildMail({}));
    await deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });
    expect(taskSuccesses()).toHaveLength(0);
  });

  it.each([
    ['TaskDoesNotExist', new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} })],
    ['TaskTimedOut', new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['InvalidToken', new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
  ])('treats %s from SendTaskSuccess as already closed', async (_name, error) => {
    sfn.on(SendTaskSuccessCommand).rejects(error);
    await deliver(await buildMail({}));
    await expect(
      deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), { to: `consult+${TOKEN_B}@${DOMAIN}` }),
    ).resolves.toEqual({ disposition: 'CONTINUE' });
    expect(taskSuccesses()).toHaveLength(1);
  });

  it('fails (for a retry) when SendTaskSuccess fails for another reason', async () => {
    sfn
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await deliver(await buildMail({}));
    await expect(
      deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), { to: `consult+${TOKEN_B}@${DOMAIN}` }),
    ).rejects.toThrow('Rate exceeded');
  });

  it('matches the consultee whatever the case of the token and the From address', async () => {
    await deliver(await buildMail({ from: 'A.Jones@Tenterden.EXAMPLE' }), {
      to: `Consult+${TOKEN_A.toUpperCase()}@${DOMAIN.toUpperCase()}`,
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', senderMismatch: false });
  });
});

describe('InboundMail: the same message delivered twice', () => {
  it('counts a duplicate Message-ID once', async () => {
    const raw = await buildMail({ messageId: '<twice@mail.example>' });
    await deliver(raw, { sesId: 'ses-first', receivedAt: '2026-12-08T10:00:05.000Z' });
    await deliver(raw, { sesId: 'ses-second', receivedAt: '2026-12-08T10:03:00.000Z' });

    const replyPuts = writesOf('Put').filter((input) => String(input.Item?.SK).startsWith('REPLY#'));
    // The first in one transaction with its effects; the second refused there, then on its own.
    expect(replyPuts).toHaveLength(3);
    for (const put of replyPuts) expect(put.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatchObject({
      rawKey: rawMailKey('ses-first'),
      receivedAt: '2026-12-08T10:00:05.000Z',
    });
    expect(events()).toHaveLength(1);
    expect(proposal().consultation).toMatchObject({ responded: 1, tally: { support: 1 } });
  });

  it('writes nothing when its one transaction fails, and the retry counts the reply once', async () => {
    const raw = await buildMail({ messageId: '<throttled@mail.example>' });
    table.failNextConsulteeUpdate = true;
    await expect(deliver(raw, { sesId: 'ses-t' })).rejects.toThrow('Rate exceeded');
    expect(replies()).toHaveLength(0);
    expect(events()).toHaveLength(0);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });

    await deliver(raw, { sesId: 'ses-t' });
    expect(replies()).toHaveLength(1);
    expect(events()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support' });
    expect(proposal().consultation).toMatchObject({ responded: 1, tally: { support: 1 } });
  });

  it('still counts the reply when the first attempt failed after storing it (the retry completes it)', async () => {
    const raw = await buildMail({ messageId: '<half-done@mail.example>' });
    // The one-transaction path refused, the step-by-step path stores the reply, then fails.
    table.conflictNextTransaction = true;
    table.failNextConsulteeUpdate = true;
    await expect(deliver(raw, { sesId: 'ses-x' })).rejects.toThrow('Rate exceeded');
    expect(replies()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });

    await deliver(raw, { sesId: 'ses-x' });
    expect(replies()).toHaveLength(1);
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support' });
    expect(proposal().consultation).toMatchObject({ responded: 1 });
  });
});

describe('InboundMail: replies that are kept but not counted', () => {
  it('keeps a reply received after the deadline with late: true, out of the tally', async () => {
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-15T16:59:00Z' }), {
      receivedAt: '2026-12-15T17:00:01.000Z',
    });
    expect(replies()[0]).toMatchObject({
      kind: 'response',
      stance: 'object',
      late: true,
      senderMismatch: false,
    });
    expect(consultee(EMAIL_A)).toMatchObject({
      status: 'mailed',
      stance: null,
      late: true,
      respondedAt: null,
    });
    expect(proposal().consultation).toMatchObject({
      responded: 0,
      late: 1,
      tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
    });
    expect(events()[0]?.detail).toBe(
      'Cllr Siân Jones: reply after the deadline (object); kept, not counted.',
    );
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('leaves a counted response and its flags alone when a late reply follows it', async () => {
    await deliver(await buildMail({ text: 'SUPPORT' }));
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-16T09:00:00Z' }), {
      receivedAt: '2026-12-16T09:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'responded', stance: 'support', late: false });
    expect(replies()).toHaveLength(2);
  });

  it('keeps a reply from another address with senderMismatch: true, out of the tally', async () => {
    await deliver(await buildMail({ from: 'Office <office@tenterden-tc.example>', text: 'SUPPORT' }));
    expect(replies()[0]).toMatchObject({
      senderMismatch: true,
      late: false,
      from: 'office@tenterden-tc.example',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed', stance: null, senderMismatch: true });
    expect(proposal().consultation).toMatchObject({ responded: 0, tally: { support: 0 } });
    expect(events()[0]?.detail).toContain('not counted until a manager accepts it');
    expect(taskSuccesses()).toHaveLength(0);
  });

  it.each([
    ['DMARC fails', { spf: 'PASS', dkim: 'PASS', dmarc: 'FAIL' }, true],
    ['SPF fails with no DKIM signature', { spf: 'FAIL', dkim: 'GRAY', dmarc: 'GRAY' }, true],
    ['SPF fails but DKIM passes', { spf: 'FAIL', dkim: 'PASS', dmarc: 'GRAY' }, false],
    ['the domain publishes no policy', { spf: 'GRAY', dkim: 'GRAY', dmarc: 'GRAY' }, false],
    [
      'the checks could not run',
      { spf: 'PROCESSING_FAILED', dkim: 'PROCESSING_FAILED', dmarc: 'PROCESSING_FAILED' },
      false,
    ],
  ])(
    "holds a reply in the consultee's name when %s: %s -> held %s (issue 21)",
    async (_c, verdicts, held) => {
      await deliver(await buildMail({ text: 'SUPPORT' }), { verdicts });
      expect(replies()[0]).toMatchObject({ senderMismatch: held, ...(held ? { authFailed: true } : {}) });
      expect(proposal().consultation).toMatchObject({ tally: { support: held ? 0 : 1 } });
      if (held) expect(events()[0]?.detail).toContain('failed sender authentication');
    },
  );

  it('stores an auto-reply and changes nothing else', async () => {
    const raw = readFileSync(join(FIXTURES, 'replies', '20-out-of-office.eml'));
    await deliver(raw);
    expect(replies()).toHaveLength(1);
    expect(replies()[0]).toMatchObject({ kind: 'auto-reply', stance: null });
    expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
    expect(events()).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(taskSuccesses()).toHaveLength(0);
  });
});

describe('InboundMail: a finished proposal', () => {
  it.each(['withdrawn', 'approved', 'rejected'])(
    'keeps a reply to a %s proposal and changes nothing',
    async (status) => {
      table.put({ ...proposal(), status });
      await deliver(await buildMail({ text: 'OBJECT' }));
      await deliver(await buildMail({ from: EMAIL_B, text: 'OBJECT' }), {
        to: `consult+${TOKEN_B}@${DOMAIN}`,
      });
      expect(replies()).toHaveLength(2);
      expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
      expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
      expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
      expect(events()).toHaveLength(0);
      expect(taskSuccesses()).toHaveLength(0);
    },
  );
});

describe('InboundMail: delivery reports', () => {
  const dsn = () => readFileSync(join(FIXTURES, 'replies', '22-delivery-status-notification.eml'));

  it('marks the consultee bounced and adds a timeline event', async () => {
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report', stance: null, consulteeEmail: EMAIL_B });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'bounced' });
    expect(proposal().consultation).toMatchObject({ bounced: 1 });
    expect(events()).toHaveLength(1);
    expect(events()[0]).toMatchObject({ event: 'consultee-bounced' });
  });

  it('finds the consultee through the bounced mail when the report came to another address', async () => {
    const raw = Buffer.from(
      dsn().toString('latin1').replaceAll('0f4c2a9b7d1e3f5a6b8c9d0e1f2a3b4c', TOKEN_B),
      'latin1',
    );
    await deliver(raw, { to: `bounces@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'bounced' });
  });

  it('closes early when the bounce leaves only consultees who have answered', async () => {
    await deliver(await buildMail({ text: 'SUPPORT' }));
    expect(taskSuccesses()).toHaveLength(0);
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(taskSuccesses()).toHaveLength(1);
  });

  it('never marks a consultee bounced who has a counted response', async () => {
    await deliver(await buildMail({ from: EMAIL_B, text: 'SUPPORT' }), {
      to: `consult+${TOKEN_B}@${DOMAIN}`,
    });
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'responded', stance: 'support' });
  });

  it('does not mark bounced for a report that names another failed address', async () => {
    await deliver(dsn(), { to: `consult+${TOKEN_A}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_A)).toMatchObject({ status: 'mailed' });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report' });
  });
  it('keeps a report the consultee forged (their own envelope sender) and changes nothing', async () => {
    // Issue 15: a DSN-shaped mail from the consultee's own mailbox is no proof of a failed delivery.
    await deliver(dsn(), { to: `consult+${TOKEN_B}@${DOMAIN}`, source: EMAIL_B });
    expect(replies()[0]).toMatchObject({ kind: 'delivery-report' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'mailed' });
    expect(events()).toHaveLength(0);
    expect(taskSuccesses()).toHaveLength(0);
  });

  it('keeps a null-sender report whose From is the consultee, and changes nothing', async () => {
    const raw = Buffer.from(
      dsn().toString('latin1').replace('MAILER-DAEMON@mail-out.tenterden.example', EMAIL_B),
      'latin1',
    );
    await deliver(raw, { to: `consult+${TOKEN_B}@${DOMAIN}`, source: '' });
    expect(consultee(EMAIL_B)).toMatchObject({ status: 'mailed' });
  });
});

describe('InboundMail: a later reply replaces the stance, an older one never does', () => {
  it('orders a consultee’s replies by when they were written, with a conditional update', async () => {
    await deliver(await buildMail({ text: 'SUPPORT', date: '2026-12-08T10:00:00Z', messageId: '<r1@m>' }), {
      receivedAt: '2026-12-08T10:00:05.000Z',
    });
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-09T11:00:00Z', messageId: '<r2@m>' }), {
      receivedAt: '2026-12-09T11:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({
      stance: 'object',
      replyId: sha256('<r2@m>'),
      respondedAt: '2026-12-09T11:00:00.000Z',
    });

    // Written before the OBJECT reply, delivered after it (a queue somewhere held it back).
    await deliver(await buildMail({ text: 'CONCERNS', date: '2026-12-09T09:00:00Z', messageId: '<r0@m>' }), {
      receivedAt: '2026-12-10T08:00:00.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ stance: 'object', replyId: sha256('<r2@m>') });
    expect(replies()).toHaveLength(3);
    expect(proposal().consultation).toMatchObject({
      responded: 1,
      tally: { object: 1, support: 0, concerns: 0 },
    });
    expect(events().map((e) => e.detail)).toContain(
      'Cllr Siân Jones: an earlier reply delivered late (concerns); their newer reply stands.',
    );

    // Two in a transaction with their reply; the older reply's refused there, then on its own.
    const consulteeUpdates = writesOf('Update').filter((input) =>
      String(input.Key?.SK).startsWith('CONSULTEE#'),
    );
    expect(consulteeUpdates).toHaveLength(4);
    for (const input of consulteeUpdates) expect(input.ConditionExpression).toContain('#respondedAt < :at');
  });

  it('does not let a Date header from the future outrank a later reply', async () => {
    await deliver(
      await buildMail({ text: 'SUPPORT', date: '2027-06-01T00:00:00Z', messageId: '<future@m>' }),
      {
        receivedAt: '2026-12-08T10:00:05.000Z',
      },
    );
    expect(consultee(EMAIL_A)).toMatchObject({ respondedAt: '2026-12-08T10:00:05.000Z' });
    await deliver(await buildMail({ text: 'OBJECT', date: '2026-12-09T10:00:00Z', messageId: '<later@m>' }), {
      receivedAt: '2026-12-09T10:00:05.000Z',
    });
    expect(consultee(EMAIL_A)).toMatchObject({ stance: 'object' });
  });
});

describe('InboundMail: unknown and forged tokens', () => {
  it.each([
    ['an unknown token', `consult+${randomBytes(16).toString('hex')}@${DOMAIN}`],
    ['a malformed token', `consult+not-a-token@${DOMAIN}`],
    ['no token at all', `dpia@${DOMAIN}`],
  ])('keeps mail to %s as unmatched, writes nothing else and sends no mail', async (_case, to) => {
    const messageId = '<stranger@elsewhere.example>';
    await expect(
      deliver(await buildMail({ messageId, from: 'stranger@elsewhere.example' }), { to }),
    ).resolves.toEqual({ disposition: 'CONTINUE' });
    const item = table.get(unmatchedReplyKey(sha256(messageId))) as Item;
    expect(item).toMatchObject({ kind: 'unmatched', proposalId: null, consulteeEmail: null, stance: null });
    const writes = [...ddb.commandCalls(PutCommand), ...ddb.commandCalls(UpdateCommand)];
    expect(writes).toHaveLength(1);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(consultee(EMAIL_A)).toEqual(consulteeItem(EMAIL_A, 'Cllr Siân Jones'));
    expect(ses.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('keeps a token whose proposal is gone as unmatched', async () => {
    table.items.delete(keyOf(proposalKey(PROPOSAL_ID)));
    await deliver(await buildMail({ messageId: '<orphan@m>' }));
    expect(table.get(unmatchedReplyKey(sha256('<orphan@m>')))).toMatchObject({ kind: 'unmatched' });
  });
});

describe('InboundMail: the handler edge and the logs', () => {
  it('refuses an event that is not an SES receipt event, with a clear error', async () => {
    await expect(handler({ Records: [] }, {} as Context)).rejects.toThrow(
      /InboundMail expects an SES receipt event/,
    );
    await expect(handler({ hello: 'world' }, {} as Context)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('fails (so SES retries) when the raw message is not in the bucket', async () => {
    const event = structuredClone(SES_EVENT);
    await expect(handler(event, {} as Context)).rejects.toThrow();
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('never logs an address, a subject or a body', async () => {
    await deliver(await buildMail({ text: 'SUPPORT Zanzibarquux' }));
    await deliver(await buildMail({ text: 'OBJECT Zanzibarquux' }), {
      receivedAt: '2026-12-16T00:00:00.000Z',
    });
    await deliver(await buildMail({ from: 'other@elsewhere.example', text: 'Zanzibarquux' }));
    await deliver(await buildMail({ text: 'Zanzibarquux' }), { to: `consult+${'0'.repeat(32)}@${DOMAIN}` });
    await deliver(readFileSync(join(FIXTURES, 'replies', '20-out-of-office.eml')));
    const dsn = readFileSync(join(FIXTURES, 'replies', '22-delivery-status-notification.eml'));
    await deliver(dsn, { to: `consult+${TOKEN_B}@${DOMAIN}` });
    await deliver(dsn, { to: `consult+${TOKEN_B}@${DOMAIN}` });

    const logged = output.join('');
    expect(logged).toContain('"proposalId":"p-789"');
    expect(logged).toContain('"kind":"delivery-report"');
    expect(logged).not.toContain('@');
    expect(logged).not.toMatch(/Zanzibarquux|Consultation on the use|consult\+|Siân|Hollis/);
    for (const token of [TOKEN_A, TOKEN_B, COLLECT_TOKEN]) expect(logged).not.toContain(token);
  });
});
