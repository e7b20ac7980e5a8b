// What the reminder tests share (SPEC 10): DynamoDB, SES, S3, Step Functions and Secrets Manager
// mocked, the table in memory (memory-table.ts, conditions and updates evaluated for real), and a
// proposal, its consultees and its review as the reminders find them.
import { createHash, randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-ses';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach } from 'vitest';
import type { RemindableConsultee } from '../../functions/reminders/consultees.js';
import type { ReminderRequest } from '../../functions/reminders/kinds.js';
import type { ReviewRecord } from '../../functions/review/store.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { refuseWhatDynamoRefuses } from './dynamo-rules.js';
import { MemoryTable } from './memory-table.js';
import { exampleJson, mailedConsultee } from './records.js';
import { unitEnv } from './unit-env.js';

export const ddb = mockClient(DynamoDBDocumentClient);

export const ses = mockClient(SESClient);
export const s3 = mockClient(S3Client);
export const sfn = mockClient(SFNClient);
export const secrets = mockClient(SecretsManagerClient);

export const KEY = randomBytes(32);
export const NOW = new Date('2026-12-10T09:00:00.000Z');
export const DEADLINE = '2026-12-15T17:00:00.000Z';
export const REMINDER_MACHINE = 'arn:aws:states:eu-west-2:000000000000:stateMachine:camera-dpia-reminder';
export const example = ProposalInput.parse({
  ...exampleJson(),
  responseDeadline: DEADLINE,
});

export const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => ({
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

export const consultee = (email: string, over: Partial<RemindableConsultee> = {}): RemindableConsultee =>
  mailedConsultee(email, over);

export const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
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

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
export const mails = () =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input as SendEmailCommandInput);
export const recipients = () => mails().map((m) => m.Destination?.ToAddresses?.[0]);
export const everything = (m: SendEmailCommandInput) =>
  `${m.Message?.Subject?.Data}\n${m.Message?.Body?.Text?.Data}\n${m.Message?.Body?.Html?.Data}`;

export let table: MemoryTable;

export function given(
  p: ProposalRecord,
  consultees: RemindableConsultee[] = [],
  reviews: ReviewRecord[] = [],
) {
  table = new MemoryTable();
  table.put({ PK: `PROPOSAL#${p.proposalId}`, SK: 'META', ...p });
  for (const c of consultees)
    table.put({ PK: `PROPOSAL#${p.proposalId}`, SK: `CONSULTEE#${c.email}`, type: 'consultee', ...c });
  for (const r of reviews) table.put({ PK: `REVIEW#${r.reviewId}`, SK: 'REVIEW', type: 'review', ...r });
  table.install(ddb);
}

export const consulteesRequest: ReminderRequest = {
  proposalId: 'p-1',
  kind: 'consultees',
  roundId: null,
  remindAt: '2026-12-12T17:00:00Z',
};
export const approverRequest: ReminderRequest = {
  proposalId: 'p-1',
  kind: 'approver',
  roundId: 'rev-1',
  remindAt: '2026-12-18T17:00:00Z',
};

/** Everyone a consultee can be; only the last two still owe an answer. */
export const MIXED = [
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

/** The hooks every reminder test file needs: its settings, fresh mocks, DynamoDB's rules. */
export function useReminderMocks(): void {
  refuseWhatDynamoRefuses(ddb);
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
}
