import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { proposalKey } from '../../functions/shared/keys.js';
import { splitAssessment } from '../support/assessment.js';
import { runDpia } from '../support/cli.js';
import { answerLetter, proposalInput, type TestStack, useTestStack } from '../support/stack.js';

let t: TestStack;
useTestStack((stack) => {
  t = stack;
});

type Detail = {
  status: string;
  risks?: unknown[];
  assessmentMissing: string[];
  conditions: { n: number; done: boolean; owner: string; dueDate: string; evidence: string | null }[];
  decision: { conditionItems?: unknown[]; consulteeViews?: unknown; assessedDigest?: string } | null;
};

const verifyWithCli = () => runDpia(t.stack.config, ['audit', 'verify']);

describe('an assessment a DPO can defend', () => {
  const full = proposalInput({ consultees: 1, tag: 'assess' });
  const { opened: bare, assessment } = splitAssessment(full);
  let id = '';
  let reference = '';

  it('opens without risks and principles, refuses a bad edit (400, nothing changes), and refuses approval until complete', async () => {
    const { client } = t;
    ({ proposalId: id, reference } = await client.openProposal(bare));
    await client.waitForStatus(id, ['consulting']);
    const before = (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;
    expect(before.assessmentMissing).toHaveLength(7);

    const bad = await client.api<{ issues: { path: string }[] }>(
      'manager',
      'PUT',
      `/proposals/${id}/assessment`,
      {
        risks: assessment.risks,
        legalRegime: 'whatever',
      },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i) => i.path)).toEqual(['legalRegime']);
    const unchanged = (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;
    expect(unchanged.risks).toBeUndefined();

    // The consultee objects; the consultation closes and the approver is asked.
    const email = full.consultees[0]?.email as string;
    await answerLetter(client, email, reference, 'OBJECT', 'Too intrusive for a market town.');
    await client.waitForStatus(id, ['awaiting-approval']);
    const link = await client.waitForReviewLink(full.approver.email, reference);
    const page = await client.api(null, 'GET', link);
    expect(page.text).toContain('The assessment is not complete');
    const refused = await client.postSignedForm(link, {
      outcome: 'approved',
      rationale: 'A clear pressing need on the A28 approach.',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('The assessment is not complete');
    expect((await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body.status).toBe(
      'awaiting-approval',
    );

    // The manager completes it while the approver waits.
    const done = await client.api<{ stillMissing: string[] }>(
      'manager',
      'PUT',
      `/proposals/${id}/assessment`,
      assessment,
    );
    expect(done.status).toBe(200);
    expect(done.body.stillMissing).toEqual([]);

    const fields = {
      outcome: 'approved',
      rationale: 'A clear pressing need on the A28 approach, shown by the serious crime evidence.',
      conditions:
        'Encrypt the back-office link (principle 9) before go-live.\nPut up signs on both approaches.',
      conditionsOwner: 'Head of ANPR (Superintendent)',
      conditionsDue: '2030-03-31',
    };
    const unanswered = await client.postSignedForm(link, fields);
    expect(unanswered.status).toBe(400);
    expect(unanswered.text).toContain('1 consultee objected');
    const approved = await client.postSignedForm(link, {
      ...fields,
      consulteeResponse:
        'The objection on intrusion is met by the 90-day access limit and not disclosing the site.',
    });
    expect(approved.status).toBe(200);
    await client.waitForStatus(id, ['approved']);
  });

  it('tracks each condition until it is marked done with evidence, and the document shows it', async () => {
    const { client } = t;
    const d = (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;
    expect(d.decision?.consulteeViews).toMatchObject({ departsFrom: 'objections', count: 1 });
    expect(d.decision?.assessedDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(d.conditions.map((c) => [c.n, c.owner, c.dueDate, c.done])).toEqual([
      [1, 'Head of ANPR (Superintendent)', '2030-03-31', false],
      [2, 'Head of ANPR (Superintendent)', '2030-03-31', false],
    ]);
    const open = async () =>
      (
        await client.api<{ items: { reference: string; n: number }[] }>('auditor', 'GET', '/conditions/open')
      ).body.items
        .filter((c) => c.reference === reference)
        .map((c) => c.n);
    expect(await open()).toEqual([1, 2]);
    const noEvidence = await client.api('manager', 'POST', `/proposals/${id}/conditions/1/done`, {});
    expect(noEvidence.status).toBe(400);
    expect(await open()).toEqual([1, 2]);
    const evidence = 'Supplier certificate ENC-2027-14 confirms the link is encrypted.';
    expect(
      (await client.api('manager', 'POST', `/proposals/${id}/conditions/1/done`, { evidence })).status,
    ).toBe(200);
    expect(
      (await client.api('manager', 'POST', `/proposals/${id}/conditions/1/done`, { evidence })).status,
    ).toBe(409);
    expect(await open()).toEqual([2]);
    const document = await client.api('auditor', 'GET', `/proposals/${id}/dpia`);
    expect(document.text).toContain('Supplier certificate ENC-2027-14');
    expect(document.text).toContain('Head of ANPR (Superintendent)');
  });

  it('fails audit verify (API and CLI) once the approved risks are edited in DynamoDB directly', async () => {
    const intact = await t.client.api<{ ok: boolean }>('auditor', 'GET', '/audit/verify');
    expect(intact.body.ok).toBe(true);
    await new DynamoDBClient({}).send(
      new UpdateItemCommand({
        TableName: DEFAULTS.tableName,
        Key: { PK: { S: proposalKey(id).PK }, SK: { S: proposalKey(id).SK } },
        UpdateExpression: 'SET #input.#risks[0].#likelihood = :one',
        ExpressionAttributeNames: { '#input': 'input', '#risks': 'risks', '#likelihood': 'likelihood' },
        ExpressionAttributeValues: { ':one': { N: '1' } },
      }),
    );
    const broken = await t.client.api<{ ok: boolean; reason: string }>('auditor', 'GET', '/audit/verify');
    expect(broken.body).toMatchObject({
      ok: false,
      reason: `${reference} was changed after its decision: it is no longer the proposal that was assessed`,
    });
    const cli = await verifyWithCli();
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('changed after its decision');
  });
});
