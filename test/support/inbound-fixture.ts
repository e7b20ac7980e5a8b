// The inbound-mail handler's fixture (functions/replies/inbound.ts) for the replies-inbound-*
// tests: DynamoDB as the table in memory (memory-table.ts) evaluating the handler's real
// conditions, S3, Step Functions and SES mocked, a proposal with two consultees and their reply
// tokens, a mail built by nodemailer and delivered as SES delivers it.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { SESClient } from '@aws-sdk/client-ses';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import {
  PutCommand,
  type PutCommandInput,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { afterEach, beforeEach, vi } from 'vitest';
import { consulteeCountKey } from '../../functions/consultation/summary.js';
import { handler } from '../../functions/replies/inbound.handler.js';
import { rawMailKey } from '../../functions/shared/config.js';
import { consulteeKey, proposalKey, replyTokenKey } from '../../functions/shared/keys.js';
import type { SesReceiptEvent } from '../../functions/shared/ses-event.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import type { Item } from '../support/expressions.js';
import { MemoryTable, type TableRequest } from '../support/memory-table.js';
import { mailedConsultee, openConsultation } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

export const ddb = mockDocumentClient();
export const s3 = mockClient(S3Client);
export const sfn = mockClient(SFNClient);
export const ses = mockClient(SESClient);

export const PROPOSAL_ID = 'p-789';
export const DEADLINE = '2026-12-15T17:00:00.000Z';
export const DOMAIN = 'replies.camera-dpia.test';
export const SUBJECT = 'Re: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]';
export const COLLECT_TOKEN = 'collect-task-token-secret';
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
export const SES_EVENT: SesReceiptEvent = JSON.parse(
  readFileSync(join(FIXTURES, 'ses', 'receipt-event.json'), 'utf8'),
);

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** A consultee's update, alone or in a transaction, fails as a throttled request does. */
export const throttleConsulteeUpdate = (request: TableRequest): Error | undefined => {
  const keys =
    request.command === 'Update'
      ? [request.input.Key]
      : request.command === 'TransactWrite'
        ? (request.input.TransactItems ?? []).map((item) => item.Update?.Key)
        : [];
  return keys.some((key) => String(key?.SK).startsWith('CONSULTEE#'))
    ? Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
    : undefined;
};

/** A transaction is cancelled as DynamoDB does when another request wrote one of its items. */
export const conflictTransaction = (request: TableRequest): Error | undefined =>
  request.command === 'TransactWrite'
    ? new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: (request.input.TransactItems ?? []).map(() => ({ Code: 'TransactionConflict' })),
      })
    : undefined;

export const EMAIL_A = 'a.jones@tenterden.example';
/** Stored as the manager typed it: the reply From is compared case-insensitively. */
export const EMAIL_B = 'R.Hollis@tenterden.example';
export const TOKEN_A = randomBytes(16).toString('hex');
export const TOKEN_B = randomBytes(16).toString('hex');

export function consulteeItem(email: string, name: string): Item {
  return {
    ...consulteeKey(PROPOSAL_ID, email),
    type: 'consultee',
    ...mailedConsultee(email, { name, mailedAt: '2026-12-07T10:02:13.000Z', countVersion: 1 }),
  };
}

/** As SendConsultation's recount leaves a mailed consultee in the counts. */
export const MAILED_STATE = { mailed: true, status: 'mailed', stance: null, version: 1 };

export function seed(table: MemoryTable, options: { collectTaskToken?: string | null } = {}): void {
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
    consultation: openConsultation(DEADLINE, { mailed: 2 }),
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
export let table: MemoryTable;
export let output: string[];

export interface Mail {
  from?: string;
  text?: string;
  subject?: string;
  date?: string;
  messageId?: string;
  headers?: Record<string, string>;
}

export const buildMail = (mail: Mail): Promise<Buffer> =>
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
export async function deliver(
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

export const consultee = (email: string) => table.get(consulteeKey(PROPOSAL_ID, email)) as Item;

/** Every write of one kind the handler asked for, alone or in a transaction (refused ones too). */
export function writesOf<K extends 'Put' | 'Update'>(kind: K) {
  const alone = (kind === 'Put' ? ddb.commandCalls(PutCommand) : ddb.commandCalls(UpdateCommand)).map(
    (call) => call.args[0].input as PutCommandInput & UpdateCommandInput,
  );
  const inTransactions = ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((call) => call.args[0].input.TransactItems ?? [])
    .flatMap((item) => (item[kind] ? [item[kind] as PutCommandInput & UpdateCommandInput] : []));
  return [...alone, ...inTransactions];
}
export const proposal = () => table.get(proposalKey(PROPOSAL_ID)) as Item;
export const replies = () => table.ofPrefix('REPLY#');
export const events = () => table.ofPrefix('EVENT#');
export const taskSuccesses = () => sfn.commandCalls(SendTaskSuccessCommand);

/** A fresh table seeded with the proposal, its two consultees and their tokens. */
export function reseed(options: { collectTaskToken?: string | null } = {}): void {
  table = new MemoryTable();
  seed(table, options);
  table.install(ddb);
}

/** The hooks every inbound-mail test file needs: settings, fresh mocks and table, captured output. */
export function useInboundFixture(): void {
  unitEnv({ DPIA_RAW_MAIL_BUCKET: 'camera-dpia-inbound-mail', DPIA_LOG_LEVEL: 'debug' }, { each: true });
  beforeEach(() => {
    ddb.reset();
    s3.reset();
    sfn.reset();
    ses.reset();
    objects.clear();
    reseed();
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
}
