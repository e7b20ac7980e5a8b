// RequestApproval and MarkApprovalExpired with DynamoDB, SES and Secrets Manager mocked; the
// templates are replaced by a JSON dump of the view, so the mail holds every value it was given.
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as expireHandler } from '../../functions/review/expire.handler.js';
import { verifyReviewSignature } from '../../functions/review/link.js';
import { handler as requestHandler } from '../../functions/review/request.handler.js';
import { requestApproval } from '../../functions/review/request.js';
import type { ReviewRecord } from '../../functions/review/store.js';
import { proposalKey, reviewKey } from '../../functions/shared/keys.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { closedProposal, exampleInput } from '../support/records.js';
import { LINK_MAIL_SETTINGS, unitEnv } from '../support/unit-env.js';

vi.mock('../../functions/shared/templates.js', () => import('../support/json-templates.js'));

const ddb = mockDocumentClient();
const ses = mockClient(SESClient);
// The evidence bucket, where each mail's copy is written before it goes.
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);

const KEY = randomBytes(32);
const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAX-approval-task-token';
const NOW = new Date('2026-12-16T09:00:00.000Z');
const input = exampleInput();

const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => closedProposal(input, over);

const review = (over: Partial<ReviewRecord> = {}): ReviewRecord => ({
  reviewId: 'rev-old',
  proposalId: 'p-1',
  approverEmail: input.approver.email,
  approverName: input.approver.name,
  expiresAt: '2026-12-30T09:00:00.000Z',
  state: 'open',
  taskToken: TOKEN,
  createdAt: NOW.toISOString(),
  mailMarker: 'sent',
  ...over,
});

let refuse: { status?: boolean; claim?: boolean };

function given(p: ProposalRecord, r?: ReviewRecord) {
  ddb
    .on(GetCommand, { Key: proposalKey(p.proposalId) })
    .resolves({ Item: { ...proposalKey(p.proposalId), ...p } });
  if (r)
    ddb.on(GetCommand, { Key: reviewKey(r.reviewId) }).resolves({ Item: { ...reviewKey(r.reviewId), ...r } });
}

const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
const timeline = () =>
  puts()
    .filter((p) => p.Item?.type === 'event')
    .map((p) => p.Item?.event);
const reviewPuts = () => puts().filter((p) => p.Item?.type === 'review');

unitEnv(LINK_MAIL_SETTINGS);

beforeEach(() => {
  vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '');
  ddb.reset();
  ses.reset();
  secrets.reset();
  s3.reset();
  s3.on(PutObjectCommand).resolves({});
  refuse = {};
  secrets.on(GetSecretValueCommand).resolves({ SecretString: KEY.toString('base64') });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).callsFake((command) => {
    const values = command.ExpressionAttributeValues ?? {};
    if (refuse.status && values[':status']) throw conditionFailed();
    if (refuse.claim && values[':sending'] && command.UpdateExpression === 'SET #marker = :sending') {
      throw conditionFailed();
    }
    return {};
  });
});

describe('requestApproval', () => {
  it('opens a review with the task token, points the proposal at it first, and mails a signed link', async () => {
    given(proposal());
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result.mailed).toBe(true);

    expect(updates()[0]).toMatchObject({
      Key: proposalKey('p-1'),
      ExpressionAttributeValues: expect.objectContaining({ ':status': 'awaiting-approval' }),
    });
    const [put] = reviewPuts();
    const item = put?.Item as ReviewRecord;
    expect(put?.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(item).toMatchObject({
      proposalId: 'p-1',
      approverEmail: input.approver.email,
      state: 'open',
      taskToken: TOKEN,
      expiresAt: '2026-12-30T09:00:00.000Z',
    });
    expect(item.reviewId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(result.reviewId).toBe(item.reviewId);

    // The pointer is written before the review exists, so a crash never orphans an open review.
    const calls = ddb.calls().map(
      (c) =>
        c.args[0].input as {
          ExpressionAttributeValues?: Record<string, unknown>;
          Item?: { type?: string };
        },
    );
    const pointer = calls.findIndex((c) => c.ExpressionAttributeValues?.[':f_reviewId'] === item.reviewId);
    const created = calls.findIndex((c) => c.Item?.type === 'review');
    expect(pointer).toBeGreaterThanOrEqual(0);
    expect(pointer).toBeLessThan(created);

    const [mail] = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(mail?.Destination?.ToAddresses).toEqual([input.approver.email]);
    expect(mail?.Message?.Subject?.Data).toContain('[DPIA-2026-0007]');
    const view = JSON.parse(mail?.Message?.Body?.Text?.Data ?? '{}');
    expect(view).toMatchObject({
      title: input.title,
      cameraType: 'ANPR',
      publicArea: 'Tenterden',
      pressingNeed: { score: 65, band: 'clear' },
      consultation: { tally: { support: 6, concerns: 2, object: 1, unclassified: 0 } },
      expiresAtIso: '2026-12-30T09:00:00.000Z',
    });
    const link = new URL(view.reviewUrl);
    expect(link.origin + link.pathname).toBe(`https://dpia.example.police.uk/review/${item.reviewId}`);
    expect(verifyReviewSignature(KEY, item, link.searchParams.get('sig'))).toBe(true);
    for (const part of [
      mail?.Message?.Subject?.Data,
      mail?.Message?.Body?.Text?.Data,
      mail?.Message?.Body?.Html?.Data,
    ]) {
      expect(part).not.toContain(TOKEN);
    }
    expect(timeline()).toEqual(['approval-requested']);
    expect(updates().at(-1)).toMatchObject({ UpdateExpression: 'SET #marker = :sent' });
  });

  it('takes the approval timeout from DPIA_APPROVAL_TIMEOUT_DAYS', async () => {
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '2');
    given(proposal());
    await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(reviewPuts()[0]?.Item?.expiresAt).toBe('2026-12-18T09:00:00.000Z');
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', 'soon');
    await expect(requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW)).rejects.toThrow(
      /DPIA_APPROVAL_TIMEOUT_DAYS must be a number of days above 0 and at most 90/,
    );
    // A year would outlast the Step Functions execution the approval waits in.
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '365');
    await expect(requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW)).rejects.toThrow(/at most 90/);
  });

  it('mails nobody twice: a replay of the same task finds its review and its mail claimed', async () => {
    given(proposal({ status: 'awaiting-approval', reviewId: 'rev-old' }), review());
    refuse.claim = true;
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result).toEqual({ reviewId: 'rev-old', mailed: false });
    expect(reviewPuts()).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
    expect(timeline()).toEqual([]);
  });

  it('mails the link again when the run before was cut off between claiming the mail and confirming it', async () => {
    // Killed after the claim: whether SES took that link is unknown, and no one else would send it.
    given(proposal({ status: 'awaiting-approval', reviewId: 'rev-old' }), review({ mailMarker: 'sending' }));
    // As DynamoDB would: the claim is there, so claiming again is refused.
    refuse.claim = true;
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result).toEqual({ reviewId: 'rev-old', mailed: true });
    expect(reviewPuts()).toHaveLength(0);
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.Destination?.ToAddresses)).toEqual([[input.approver.email]]);
    expect(JSON.parse(sent[0]?.Message?.Body?.Text?.Data ?? '{}').reviewUrl).toContain(
      '/review/rev-old?sig=',
    );
    expect(updates()).toContainEqual(
      expect.objectContaining({
        Key: reviewKey('rev-old'),
        ExpressionAttributeValues: expect.objectContaining({ ':sent': 'sent', ':sending': 'sending' }),
      }),
    );
    expect(timeline()).toEqual(['approval-requested']);
  });

  it('sends nothing again for a link the approver has used, its mail never confirmed or not', async () => {
    given(
      proposal({ status: 'awaiting-approval', reviewId: 'rev-old' }),
      review({ mailMarker: 'sending', state: 'decided' }),
    );
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result).toEqual({ reviewId: 'rev-old', mailed: false });
    expect(reviewPuts()).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('finishes the job when a previous run stopped after pointing the proposal at a review', async () => {
    given(proposal({ reviewId: 'rev-never-created' }));
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result.mailed).toBe(true);
    expect(reviewPuts()).toHaveLength(1);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
  });

  it('voids the old link when a new task token arrives (a re-issue), then opens a new review', async () => {
    given(proposal({ status: 'expired', reviewId: 'rev-old' }), review({ taskToken: 'an-older-token' }));
    const result = await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result.mailed).toBe(true);
    expect(result.reviewId).not.toBe('rev-old');
    expect(updates()).toContainEqual(
      expect.objectContaining({
        Key: reviewKey('rev-old'),
        ExpressionAttributeValues: expect.objectContaining({ ':void': 'void', ':reason': 'superseded' }),
      }),
    );
  });

  it('does nothing for a proposal that was withdrawn meanwhile', async () => {
    given(proposal({ status: 'withdrawn' }));
    refuse.status = true;
    expect(await requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW)).toEqual({
      reviewId: null,
      mailed: false,
    });
    expect(puts()).toHaveLength(0);
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('releases the mail claim when sending fails, so the retry sends it', async () => {
    given(proposal());
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('throttled'), { name: 'Throttling' }));
    await expect(requestApproval({ proposalId: 'p-1', taskToken: TOKEN }, NOW)).rejects.toThrow('throttled');
    expect(updates().at(-1)).toMatchObject({ UpdateExpression: 'REMOVE #marker' });
    expect(timeline()).toEqual([]);
  });

  it('takes the state machine payload through its handler, and refuses one without a token', async () => {
    given(proposal());
    await expect(requestHandler({ proposalId: 'p-1', taskToken: TOKEN })).resolves.toMatchObject({
      mailed: true,
    });
    await expect(requestHandler({ proposalId: 'p-1' })).rejects.toThrow();
  });
});

describe('markApprovalExpired', () => {
  it('voids the link, keeps the token for a re-issue, marks the proposal expired and says so', async () => {
    given(proposal({ status: 'awaiting-approval', reviewId: 'rev-old' }));
    const result = await expireHandler({ proposalId: 'p-1', taskToken: 'expiry-token' });
    expect(result).toEqual({ expired: true });
    expect(updates()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Key: reviewKey('rev-old'),
          ExpressionAttributeValues: expect.objectContaining({
            ':void': 'void',
            ':from0': 'open',
            ':reason': 'expired',
          }),
        }),
        expect.objectContaining({
          Key: proposalKey('p-1'),
          ExpressionAttributeValues: expect.objectContaining({ ':f_reissueTaskToken': 'expiry-token' }),
        }),
        expect.objectContaining({
          Key: proposalKey('p-1'),
          ExpressionAttributeValues: expect.objectContaining({
            ':status': 'expired',
            ':from0': 'awaiting-approval',
          }),
        }),
      ]),
    );
    expect(timeline()).toEqual(['approval-expired']);
  });

  it('writes the timeline once: a replay finds the proposal already expired', async () => {
    given(proposal({ status: 'expired', reviewId: 'rev-old' }));
    refuse.status = true;
    expect(await expireHandler({ proposalId: 'p-1', taskToken: 'expiry-token' })).toEqual({ expired: false });
    expect(timeline()).toEqual([]);
  });
});
