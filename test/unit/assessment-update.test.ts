// Issue 19: PUT /proposals/{id}/assessment, the manager completing the assessment while the
// proposal is open, with DynamoDB mocked. Refusals are 400 naming the field and write nothing.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/proposals/assessment.handler.js';
import { proposalKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { splitAssessment } from '../support/assessment.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { answerTo, proposalRequest } from '../support/events.js';
import { conditionFailed } from '../support/expressions.js';
import { exampleJson } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const example = exampleJson();
const { opened, assessment } = splitAssessment(example);
const { risks, checklist, screening, lawfulBasis } = assessment;
const openedInput = ProposalInput.parse(opened);

const call = (body: unknown, role: 'manager' | 'auditor' = 'manager') =>
  answerTo(handler, proposalRequest('PUT', 'p-1', 'assessment', { role, body }));

const updates = () => ddb.commandCalls(UpdateCommand);
const writes = () => updates().length + ddb.commandCalls(PutCommand).length;

unitEnv();
beforeEach(() => {
  ddb.reset();
  ddb.on(PutCommand).resolves({});
});

describe('PUT /proposals/{id}/assessment', () => {
  it('sets only the parts sent, while the proposal is open, notes it in the timeline and says what is still missing', async () => {
    ddb.on(UpdateCommand).callsFake((command) => ({
      Attributes: {
        ...proposalKey('p-1'),
        reference: 'DPIA-2026-0009',
        status: 'consulting',
        input: { ...openedInput, risks: command.ExpressionAttributeValues[':risks'] },
      },
    }));
    const res = await call({ risks });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      proposalId: 'p-1',
      reference: 'DPIA-2026-0009',
      updated: ['risks'],
      stillMissing: [
        "the Surveillance Camera Code's 12 guiding principles, met or not",
        'the screening answers (why a DPIA is needed)',
        'the legal regime',
        'the lawful basis',
        'the categories of data',
        'the recipients of the data',
      ],
    });
    const [update] = updates();
    expect(update?.args[0].input).toMatchObject({
      Key: proposalKey('p-1'),
      UpdateExpression: 'SET #updatedAt = :now, #input.#risks = :risks',
      ConditionExpression: expect.stringContaining('#status IN ('),
    });
    // Only the statuses before a decision.
    const values = Object.values(update?.args[0].input.ExpressionAttributeValues ?? {});
    expect(values).toContain('consulting');
    expect(values).not.toContain('approved');
    const [event] = ddb.commandCalls(PutCommand);
    expect(event?.args[0].input.Item).toMatchObject({ event: 'assessment-updated' });
  });

  it('completes the assessment in one go: nothing is missing afterwards', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: {
        reference: 'DPIA-2026-0009',
        input: { ...openedInput, ...assessment },
      },
    });
    const res = await call(assessment);
    expect(res.status).toBe(200);
    expect(res.body.stillMissing).toEqual([]);
    expect(res.body.updated).toEqual([
      'the 12 principles',
      'risks',
      'screening',
      'legal regime',
      'lawful basis',
      'data categories',
      'recipients',
    ]);
  });

  it.each([
    ['an empty body', {}, '(root)'],
    ['a checklist of 11 principles', { checklist: checklist.slice(1) }, 'checklist'],
    ['a risk with likelihood 4', { risks: [{ ...risks[0], likelihood: 4 }] }, 'risks.0.likelihood'],
    [
      'a screening answer that is not yes or no',
      { screening: { ...screening, dataMatching: 'maybe' } },
      'screening.dataMatching',
    ],
    ['an unknown legal regime', { legalRegime: 'gdpr-ish' }, 'legalRegime'],
    ['a lawful basis under 20 characters', { lawfulBasis: 'Policing.' }, 'lawfulBasis'],
    ['no recipients', { recipients: [] }, 'recipients'],
    ['a change of the need grounds (scored when opened)', { justification: example.justification }, '(root)'],
  ])('answers 400 to %s, naming the field, and writes nothing', async (_case, body, path) => {
    const res = await call(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('ValidationError');
    expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
    expect(writes()).toBe(0);
  });

  it('answers 409 once the proposal is decided, and 404 for no such proposal', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({
      Item: {
        ...proposalKey('p-1'),
        proposalId: 'p-1',
        reference: 'DPIA-2026-0009',
        status: 'approved',
        input: openedInput,
      },
    });
    const decided = await call({ lawfulBasis });
    expect(decided.status).toBe(409);
    expect(decided.body.message).toMatch(
      /DPIA-2026-0009 is approved: its assessment can only change before the decision/,
    );
    ddb.on(GetCommand).resolves({});
    expect((await call({ lawfulBasis })).status).toBe(404);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('answers 403 to an auditor, writing nothing', async () => {
    expect((await call({ lawfulBasis }, 'auditor')).status).toBe(403);
    expect(writes()).toBe(0);
  });
});
