// The auditor dashboard on the real local stack: proposals driven through the HTTP API, SMTP and
// the approver's link to different ends (approved, rejected by the approver, rejected as
// insufficient, withdrawn), then the dashboard page read as its tables show it. The expiry has a
// file of its own (dashboard-expiry.test.ts): it needs the approval timeout set before the start.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import type { LocalStackClient } from '../../local/client.js';
import { insufficientInput, proposalInput, startTestStack, type TestStack } from '../support/stack.js';
import { rowOf, sectionRows, text, webSession } from '../support/web.js';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(async () => t?.close());

type Created = { proposalId: string; reference: string };

/** Opens a proposal whose consultees answer with `stances` (null: no answer) by the deadline. */
async function consult(
  client: LocalStackClient,
  tag: string,
  stances: (string | null)[],
  deadlineSeconds: number,
) {
  const input = proposalInput({ consultees: stances.length, tag, deadlineSeconds });
  const { proposalId, reference } = (await client.api<Created>('manager', 'POST', '/proposals', input)).body;
  await client.waitForStatus(proposalId, ['consulting']);
  await Promise.all(
    input.consultees.map(async (c, i) => {
      const stance = stances[i];
      await client.waitFor('the letter', async () => (await client.mailTo(c.email, reference)).length > 0);
      if (stance) await client.replyAsConsultee(c.email, reference, stance);
    }),
  );
  return { proposalId, reference, approver: input.approver.email };
}

async function decide(client: LocalStackClient, p: Awaited<ReturnType<typeof consult>>, outcome: string) {
  await client.waitForStatus(p.proposalId, ['awaiting-approval'], 40_000);
  const link = await client.waitForReviewLink(p.approver, p.reference);
  const answer = await client.postSignedForm(link, {
    outcome,
    rationale: 'Weighed the pressing need against every response received in the consultation.',
    conditions: 'Encrypt the back-office link (principle 9) before go-live.',
  });
  expect(answer.status).toBe(200);
  await client.waitForStatus(p.proposalId, [outcome]);
}

describe('the dashboard after proposals end in different ways', () => {
  it('counts each ending, the response rate, the stances and the stage times', async () => {
    const { client } = t;
    const auditor = await webSession(client.apiUrl, 'auditor', 'auditor@police.example');
    const dashboard = async (query = '') => {
      const answer = await fetch(`${client.apiUrl}/app/dashboard${query}`, { headers: { cookie: auditor } });
      return { status: answer.status, html: await answer.text() };
    };
    const before = await dashboard();
    expect(before.status).toBe(200);
    expect(before.html).toContain('No decisions, expiries or withdrawals');

    await Promise.all([
      // Everyone answers: the consultation closes early; approved.
      (async () =>
        decide(client, await consult(client, 'dash-a', ['SUPPORT', 'CONCERNS'], 600), 'approved'))(),
      // One of two answers: it closes at the deadline; rejected by the approver.
      (async () => decide(client, await consult(client, 'dash-b', ['OBJECT', null], 12), 'rejected'))(),
      // Rejected by the system: nobody consulted.
      (async () => {
        const { proposalId } = (
          await client.api<Created>('manager', 'POST', '/proposals', insufficientInput())
        ).body;
        await client.waitForStatus(proposalId, ['rejected']);
      })(),
      // Withdrawn by a manager while consulting.
      (async () => {
        const p = await consult(client, 'dash-w', [null], 600);
        expect((await client.api('manager', 'POST', `/proposals/${p.proposalId}/withdraw`)).status).toBe(200);
      })(),
    ]);

    const { status, html } = await dashboard();
    expect(status).toBe(200);
    // Approved, rejected, of which insufficient need, expired, withdrawn, total.
    expect(rowOf(html, 'decisions-heading', 'All months')).toEqual([
      'All months',
      '1',
      '2',
      '1',
      '0',
      '1',
      '4',
    ]);
    // Two consultations closed, 4 consultees mailed, 3 answered in time.
    expect(rowOf(html, 'response-heading', 'Overall')).toEqual(['Overall', '2', '4', '3', '75%']);
    expect(sectionRows(html, 'stances-heading').slice(1)).toEqual([
      ['Support', '1', '33%'],
      ['Concerns', '1', '33%'],
      ['Object', '1', '33%'],
      ['Unclassified', '0', '0%'],
      ['All counted replies', '3', ''],
    ]);
    // Everything here happened within the minute: every stage is under a day.
    expect(sectionRows(html, 'stages-heading').slice(1)).toEqual([
      ['Scoring to mailed', 'under 1 day', '3'],
      ['Mailed to closed', 'under 1 day', '2'],
      ['Closed to decision', 'under 1 day', '2'],
    ]);
    expect(text(html)).toContain('0 approved installations with a review date before');
    // The chart says the same in words, for a screen reader and in its caption.
    expect(html).toMatch(
      /<desc id="decisions-desc">4 endings from .+ to .+: 1 approved, 2 rejected, 0 expired, 1 withdrawn\./,
    );

    // An approval whose review date has passed (seeded directly: no approver may pick a past date).
    const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    await table.send(
      new PutCommand({
        TableName: DEFAULTS.tableName,
        Item: {
          PK: 'TEST#overdue',
          SK: 'DECISION',
          GSI2PK: 'REVIEWDUE',
          GSI2SK: '2020-01-31#DEC-999999',
          decisionId: 'DEC-999999',
          proposalId: 'seeded-proposal',
          reference: 'DPIA-2019-0042',
          reviewDate: '2020-01-31',
        },
      }),
    );
    const overdue = (await dashboard('?months=1')).html;
    expect(text(overdue)).toContain('1 approved installation with a review date before');
    expect(rowOf(overdue, 'overdue-heading', 'DPIA-2019-0042')).toEqual([
      'DPIA-2019-0042',
      '31 January 2020',
      'DEC-999999',
    ]);
    expect(sectionRows(overdue, 'decisions-heading').filter((r) => r[0] !== 'Month')).toHaveLength(2);
  }, 120_000);

  it('refuses a period out of range with the reason, and needs a session', async () => {
    const { client } = t;
    const manager = await webSession(client.apiUrl, 'manager', 'manager@police.example');
    for (const months of ['0', '37', 'twelve', '1.5']) {
      const answer = await fetch(`${client.apiUrl}/app/dashboard?months=${months}`, {
        headers: { cookie: manager },
      });
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain('months must be a whole number from 1 to 36');
    }
    const page = await fetch(`${client.apiUrl}/app/dashboard?months=36`, { headers: { cookie: manager } });
    expect(page.status).toBe(200);
    expect(
      sectionRows(await page.text(), 'decisions-heading').filter((r) => /\d{4}$/.test(r[0] ?? '')),
    ).toHaveLength(36);
    const anonymous = await fetch(`${client.apiUrl}/app/dashboard`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/sign-in');
  });
});
