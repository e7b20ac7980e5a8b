import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { decisionKey } from '../../functions/shared/keys.js';
import { replyArgs, runDpia } from '../support/cli.js';
import { insufficientInput, proposalInput, type TestStack, useTestStack } from '../support/stack.js';

// Three seconds to decide, so the approval timeout can be watched.
process.env.DPIA_APPROVAL_TIMEOUT_DAYS = String(3 / 86_400);

const root = new URL('../..', import.meta.url).pathname;
let t: TestStack;

useTestStack((stack) => {
  t = stack;
});

const dpia = (...args: string[]) => runDpia(t.stack.config, args);

describe('the dpia command line against the local stack', () => {
  it('proposes, replies as a consultee over SMTP, and shows the status', async () => {
    const input = proposalInput({ consultees: 2, tag: 'cli' });
    // In the stack's data directory, which goes with the stack.
    const file = join(t.dataDir, 'proposal-cli.json');
    writeFileSync(file, JSON.stringify(input));
    const proposed = await dpia('propose', file);
    expect(proposed.code, proposed.stderr).toBe(0);
    const [reference, proposalId] = proposed.stdout.trim().split(/\s+/) as [string, string];
    expect(reference).toMatch(/^DPIA-\d{4}-\d{4}$/);
    await t.client.waitFor('mail', async () =>
      (await t.client.mailTo(input.consultees[1]?.email as string, reference)).length ? true : undefined,
    );
    const reply = await dpia(
      ...replyArgs(proposalId, input.consultees[0]?.email as string, 'support', 'Good idea.'),
    );
    expect(reply.code, reply.stderr).toBe(0);
    await t.client.waitFor('the reply to count', async () => {
      const status = await dpia('status', proposalId);
      return status.stdout.includes('support 1') ? status : undefined;
    });
    const status = await dpia('status', proposalId);
    expect(status.stdout).toContain(reference);
    expect(status.stdout).toContain('Status: consulting');
    expect(status.stdout).toContain('Pressing need: 65/100 clear (policy 2026.1)');

    const badStance = await dpia(...replyArgs(proposalId, 'x@y.example', 'maybe'));
    expect(badStance.code).toBe(2);
    expect(badStance.stderr).toContain('--stance');
    const bad = await dpia('propose', join(root, 'package.json'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/title: Required/);
  });

  it('expires an approval nobody decides: status expired, the link answers 410', async () => {
    const input = proposalInput({ consultees: 1, tag: 'expire' });
    const created = await t.client.openProposal(input);
    await t.client.waitFor('mail', async () =>
      (await t.client.mailTo(input.consultees[0]?.email as string, created.reference)).length
        ? true
        : undefined,
    );
    await t.client.replyAsConsultee(input.consultees[0]?.email as string, created.reference, 'SUPPORT');
    const link = await t.client.waitForReviewLink(input.approver.email, created.reference);
    await t.client.waitForStatus(created.proposalId, ['expired'], 20_000);
    expect((await t.client.api(null, 'GET', link)).status).toBe(410);
    const detail = await t.client.api<{ timeline: { event: string }[] }>(
      'manager',
      'GET',
      `/proposals/${created.proposalId}`,
    );
    expect(detail.body.timeline.map((e) => e.event)).toContain('approval-expired');

    // SPEC 10: a manager re-issues a fresh link; the old one stays void.
    const path = `/proposals/${created.proposalId}/review-link`;
    expect((await t.client.api('auditor', 'POST', path)).status).toBe(403);
    const reissued = await t.client.api<{ status: string }>('manager', 'POST', path);
    expect(reissued.status).toBe(202);
    expect(reissued.body.status).toBe('awaiting-approval');
    await t.client.waitFor('a second review link', async () => {
      const next = await t.client.reviewLink(input.approver.email, created.reference);
      return next !== link ? next : undefined;
    });
    expect((await t.client.api(null, 'GET', link)).status).toBe(410);
    const after = await t.client.api<{ timeline: { event: string }[] }>(
      'manager',
      'GET',
      `/proposals/${created.proposalId}`,
    );
    expect(after.body.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(['review-link-reissued', 'approval-requested']),
    );
    // Only an expired approval gets a new link, and the waiting token is used once.
    await t.client.waitForStatus(created.proposalId, ['expired'], 20_000);
    const [first, second] = await Promise.all([
      t.client.api('manager', 'POST', path),
      t.client.api('manager', 'POST', path),
    ]);
    expect([first.status, second.status].sort()).toEqual([202, 409]);

    // The evidence pack keeps both review-request mails, the consultation letter and the reply.
    const evidence = await dpia('evidence', created.proposalId);
    expect(evidence.code, evidence.stderr).toBe(0);
    const pack = JSON.parse(evidence.stdout) as {
      evidencePack: { reference: string };
      mails: { kind: string }[];
      replies: { raw: string | null; stance: string | null }[];
    };
    expect(pack.evidencePack.reference).toBe(created.reference);
    expect(pack.mails.filter((m) => m.kind === 'consultation')).toHaveLength(1);
    expect(pack.mails.filter((m) => m.kind === 'review-request').length).toBeGreaterThanOrEqual(2);
    expect(pack.replies).toEqual([expect.objectContaining({ stance: 'support', raw: expect.any(String) })]);
  });

  it('lists decisions as CSV and JSON, and catches a tampered decision in the API and the CLI', async () => {
    const created = (
      await t.client.api<{ proposalId: string }>('manager', 'POST', '/proposals', insufficientInput())
    ).body;
    await t.client.waitForStatus(created.proposalId, ['rejected']);
    const csv = await dpia('decisions', '--format', 'csv');
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout.split('\n')[0]).toContain('decisionId');
    const json = JSON.parse((await dpia('decisions', '--format', 'json')).stdout) as { outcome: string }[];
    expect(json.map((d) => d.outcome)).toContain('rejected');
    expect((await dpia('audit', 'verify')).code).toBe(0);

    // Someone with write access to the table quietly edits the first decision.
    await new DynamoDBClient({}).send(
      new UpdateItemCommand({
        TableName: DEFAULTS.tableName,
        Key: { PK: { S: decisionKey(1).PK }, SK: { S: decisionKey(1).SK } },
        UpdateExpression: 'SET rationale = :r',
        ExpressionAttributeValues: { ':r': { S: 'Approved after all.' } },
      }),
    );
    const verdict = await t.client.api<{ ok: boolean; firstBroken: string }>(
      'auditor',
      'GET',
      '/audit/verify',
    );
    expect(verdict.body).toMatchObject({ ok: false, firstBroken: 'DEC-000001' });
    const cli = await dpia('audit', 'verify');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('DEC-000001');
  });
});
