// POST /proposals/{id}/review-link (SPEC 10): only an expired approval, only a manager, and the
// waiting task token is sent once.
import { SendTaskSuccessCommand, SFNClient, TaskDoesNotExist } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/review/reissue.handler.js';
import { proposalKey } from '../../functions/shared/keys.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { answerTo, proposalRequest } from '../support/events.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const sfn = mockClient(SFNClient);
const TOKEN = 'reissue-task-token-secret';

function given(status: string, reissueTaskToken: string | null = TOKEN) {
  ddb.on(GetCommand).resolves({
    Item: { ...proposalKey('p-1'), proposalId: 'p-1', reference: 'DPIA-2026-0009', status, reissueTaskToken },
  });
}

const call = (role: 'manager' | 'auditor' = 'manager') =>
  answerTo(handler, proposalRequest('POST', 'p-1', 'review-link', { role }));

unitEnv();
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('POST /proposals/{id}/review-link', () => {
  it('sends the waiting token once, clears it, notes it in the timeline and answers 202', async () => {
    given('expired');
    const res = await call();

    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      proposalId: 'p-1',
      reference: 'DPIA-2026-0009',
      status: 'awaiting-approval',
    });
    expect(res.raw).not.toContain(TOKEN);
    const sent = sfn.commandCalls(SendTaskSuccessCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args[0].input.taskToken).toBe(TOKEN);
    // Cleared only while it is still this token: a later expiry's own token must stay.
    const clear = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(clear?.ExpressionAttributeValues).toMatchObject({ ':f_reissueTaskToken': null, ':used': TOKEN });
    expect(clear?.ConditionExpression).toContain('#used = :used');
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      event: 'review-link-reissued',
    });
  });

  it.each(['awaiting-approval', 'approved', 'withdrawn', 'consulting'])(
    'answers 409 for a proposal that is %s, and sends nothing',
    async (status) => {
      given(status);
      const res = await call();
      expect(res.status).toBe(409);
      expect(res.body.message).toContain(status);
      expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
    },
  );

  it('answers 409 while the expiry has not stored its token yet', async () => {
    given('expired', null);
    expect((await call()).status).toBe(409);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it('answers 409 when the token was used a moment ago, and changes nothing', async () => {
    given('expired');
    sfn.on(SendTaskSuccessCommand).rejects(new TaskDoesNotExist({ message: 'gone', $metadata: {} }));
    expect((await call()).status).toBe(409);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses an auditor', async () => {
    given('expired');
    expect((await call('auditor')).status).toBe(403);
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });
});
