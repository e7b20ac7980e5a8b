// SPEC 11: the risk matrix of the ICO template, and POST /proposals/{id}/ico-consultation (DPA 2018
// s.65 prior consultation), with DynamoDB mocked.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/proposals/ico.handler.js';
import { proposalKey } from '../../functions/shared/keys.js';
import { needsPriorConsultation, residualLevel, riskLevel } from '../../functions/shared/model/risk.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { answerTo, proposalRequest } from '../support/events.js';
import { conditionFailed } from '../support/expressions.js';
import { exampleInput } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const input = exampleInput();
const VALID = {
  submittedOn: '2026-09-01',
  reference: 'ICO/PC/2026/0042',
  outcome: 'advice-received',
  summary: 'The Commissioner advised limiting access to listed offences.',
};

function given(status: string) {
  ddb.on(GetCommand).resolves({
    Item: { ...proposalKey('p-1'), proposalId: 'p-1', reference: 'DPIA-2026-0009', status, input },
  });
}

const call = (body: unknown, role: 'manager' | 'auditor' = 'manager') =>
  answerTo(handler, proposalRequest('POST', 'p-1', 'ico-consultation', { role, body }));

const writes = () => ddb.commandCalls(UpdateCommand).length + ddb.commandCalls(PutCommand).length;

unitEnv();
beforeEach(() => {
  ddb.reset();
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
});

describe('the risk matrix (ICO sample template)', () => {
  it('scores every pair of likelihood and severity low (1-2), medium (3-4) or high (6-9)', () => {
    const grid = [1, 2, 3].map((l) => [1, 2, 3].map((s) => riskLevel(l, s)));
    expect(grid).toEqual([
      ['low', 'low', 'medium'],
      ['low', 'medium', 'high'],
      ['medium', 'high', 'high'],
    ]);
  });

  it('takes the residual risk from the values after the measures, else the values before', () => {
    const risk = { description: 'd', mitigation: 'm', likelihood: 3, severity: 3 };
    expect(residualLevel(risk)).toBe('high');
    expect(residualLevel({ ...risk, residualLikelihood: 1 })).toBe('medium');
    expect(needsPriorConsultation([risk])).toBe(true);
    expect(needsPriorConsultation([{ ...risk, residualLikelihood: 1, residualSeverity: 2 }])).toBe(false);
    expect(needsPriorConsultation(undefined)).toBe(false);
  });
});

describe('POST /proposals/{id}/ico-consultation', () => {
  it('records the consultation on the proposal, notes it in the timeline and answers 200', async () => {
    given('awaiting-approval');
    const res = await call(VALID);
    expect(res.status).toBe(200);
    expect(res.body.icoConsultation).toMatchObject({ ...VALID, recordedBy: 'manager1' });
    const [update] = ddb.commandCalls(UpdateCommand);
    expect(update?.args[0].input.ExpressionAttributeValues?.[':f_icoConsultation']).toMatchObject(VALID);
    const [event] = ddb.commandCalls(PutCommand);
    expect(event?.args[0].input.Item).toMatchObject({ event: 'ico-consultation-recorded' });
    expect(String(event?.args[0].input.Item?.detail)).toContain('ICO/PC/2026/0042');
  });

  it.each([
    ['a missing reference', { ...VALID, reference: undefined }, 'reference'],
    ['an unknown outcome', { ...VALID, outcome: 'approved' }, 'outcome'],
    ['a date that is not a date', { ...VALID, submittedOn: '1 Sept' }, 'submittedOn'],
    ['a date in the future', { ...VALID, submittedOn: '2999-01-01' }, 'submittedOn'],
    [
      '"no response" before six weeks have passed',
      { ...VALID, outcome: 'no-response-in-time', submittedOn: new Date().toISOString().slice(0, 10) },
      'outcome',
    ],
    ['an unknown field', { ...VALID, decidedBy: 'x' }, ''],
  ])('refuses %s with 400 naming the field, and changes nothing', async (_c, body, path) => {
    given('awaiting-approval');
    const res = await call(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('ValidationError');
    expect(JSON.stringify(res.body.issues)).toContain(path);
    expect(writes()).toBe(0);
  });

  it('accepts "no response in time" six weeks after submission', async () => {
    given('awaiting-approval');
    const res = await call({ ...VALID, outcome: 'no-response-in-time', submittedOn: '2026-01-05' });
    expect(res.status).toBe(200);
  });

  it('refuses an auditor (403) and changes nothing', async () => {
    given('awaiting-approval');
    expect((await call(VALID, 'auditor')).status).toBe(403);
    expect(writes()).toBe(0);
  });

  it('answers 409 once the proposal is decided', async () => {
    given('approved');
    ddb.on(UpdateCommand).rejects(conditionFailed());
    const res = await call(VALID);
    expect(res.status).toBe(409);
    expect(res.body.message).toContain('before the decision');
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
