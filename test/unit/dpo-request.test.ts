// RequestDpoAdvice with DynamoDB, SES, S3 and Secrets Manager mocked: a run of the task that was cut
// off between claiming the DPO's mail and confirming it must not leave the DPO without a link.
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { requestDpoAdvice } from '../../functions/dpo/request.js';
import type { AdviceRecord } from '../../functions/dpo/store.js';
import { adviceKey, proposalKey } from '../../functions/shared/keys.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { closedProposal, exampleInput } from '../support/records.js';
import { LINK_MAIL_SETTINGS, unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const ses = mockClient(SESClient);
const s3 = mockClient(S3Client);
const secrets = mockClient(SecretsManagerClient);

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAX-dpo-task-token';
const NOW = new Date('2026-12-16T09:00:00.000Z');
const input = exampleInput();
const dpo = input.dpo as NonNullable<typeof input.dpo>;

const proposal: ProposalRecord = closedProposal(input, {
  status: 'awaiting-dpo-advice',
  dpo: {
    adviceId: 'adv-old',
    dpoName: dpo.name,
    requestedAt: NOW.toISOString(),
    expiresAt: '2026-12-23T09:00:00.000Z',
    status: 'requested',
  },
});

/** Claimed by a run that was killed before SES answered or before the claim was confirmed. */
const halfSent: AdviceRecord = {
  adviceId: 'adv-old',
  proposalId: 'p-1',
  dpoEmail: dpo.email,
  dpoName: dpo.name,
  expiresAt: '2026-12-23T09:00:00.000Z',
  state: 'open',
  taskToken: TOKEN,
  createdAt: NOW.toISOString(),
  mailMarker: 'sending',
};

const puts = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item ?? {});
/** The mail marker confirmed `sent` after SES took the mail. */
const settles = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((u) => u.ExpressionAttributeValues?.[':sent'] === 'sent');

unitEnv(LINK_MAIL_SETTINGS);

beforeEach(() => {
  ddb.reset();
  ses.reset();
  s3.reset();
  secrets.reset();
  s3.on(PutObjectCommand).resolves({});
  secrets.on(GetSecretValueCommand).resolves({ SecretString: randomBytes(32).toString('base64') });
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: proposalKey('p-1') }).resolves({ Item: { ...proposalKey('p-1'), ...proposal } });
  ddb
    .on(GetCommand, { Key: adviceKey('adv-old') })
    .resolves({ Item: { ...adviceKey('adv-old'), ...halfSent } });
  ddb.on(PutCommand).resolves({});
  // As DynamoDB would: the half-sent link's claim is there, so claiming it again is refused.
  ddb.on(UpdateCommand).callsFake((command) => {
    if (command.UpdateExpression === 'SET #marker = :sending') {
      throw Object.assign(new Error('failed'), { name: 'ConditionalCheckFailedException' });
    }
    return {};
  });
});

describe('requestDpoAdvice after a run cut off mid-send', () => {
  it('mails the DPO the same link again', async () => {
    const result = await requestDpoAdvice({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result).toEqual({ adviceId: 'adv-old', mailed: true });
    expect(puts().filter((item) => item.SK === 'ADVICE')).toEqual([]);
    const sent = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(sent.map((m) => m.Destination?.ToAddresses)).toEqual([[dpo.email]]);
    expect(sent[0]?.Message?.Body?.Text?.Data).toContain('/dpo/adv-old?sig=');
    expect(settles()).toEqual([expect.objectContaining({ Key: adviceKey('adv-old') })]);
  });

  it('sends nothing again once the DPO has given the advice', async () => {
    ddb.on(GetCommand, { Key: adviceKey('adv-old') }).resolves({
      Item: {
        ...adviceKey('adv-old'),
        ...halfSent,
        state: 'given',
        given: { recommendation: 'proceed', advice: 'Proceed.', givenAt: NOW.toISOString() },
      },
    });
    const result = await requestDpoAdvice({ proposalId: 'p-1', taskToken: TOKEN }, NOW);
    expect(result).toEqual({ adviceId: 'adv-old', mailed: false });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
