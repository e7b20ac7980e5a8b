import { DeleteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../functions/shared/config.js';
import { decisionKey } from '../../functions/shared/keys.js';
import { runDpia } from '../support/cli.js';
import { insufficientInput, type TestStack, useTestStack } from '../support/stack.js';

let t: TestStack;
useTestStack((stack) => {
  t = stack;
});

const verifyWithCli = () => runDpia(t.stack.config, ['audit', 'verify']);

describe('the anchored head of the decision chain', () => {
  it('is published by verify, and catches the newest decision deleted', async () => {
    for (let n = 0; n < 2; n++) {
      const created = await t.client.api<{ proposalId: string }>(
        'manager',
        'POST',
        '/proposals',
        insufficientInput(),
      );
      await t.client.waitForStatus(created.body.proposalId, ['rejected']);
    }
    type Report = { ok: boolean; checked: number; reason?: string; head: { sequence: number; hash: string } };
    const intact = await t.client.api<Report>('auditor', 'GET', '/audit/verify');
    expect(intact.body).toMatchObject({ ok: true, checked: 2, head: { sequence: 2 } });
    const cli = await verifyWithCli();
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`Anchored head: 2 ${intact.body.head.hash}`);

    // Published in each DPIA document, so a reader can note it and compare later.
    const decided = (await t.client.api<{ items: { proposalId: string }[] }>('auditor', 'GET', '/decisions'))
      .body.items[0];
    const document = await t.client.api('auditor', 'GET', `/proposals/${decided?.proposalId}/dpia`);
    expect(document.text).toContain('Anchored head of the chain when this document was made');
    expect(document.text).toContain(intact.body.head.hash);

    // Someone with write access to the table quietly deletes the newest record: record 1 alone still checks out.
    await new DynamoDBClient({}).send(
      new DeleteItemCommand({
        TableName: DEFAULTS.tableName,
        Key: { PK: { S: decisionKey(2).PK }, SK: { S: decisionKey(2).SK } },
      }),
    );
    const cut = await t.client.api<Report>('auditor', 'GET', '/audit/verify');
    expect(cut.body).toMatchObject({
      ok: false,
      checked: 1,
      firstBroken: 'DEC-000002',
      head: { sequence: 2 },
    });
    expect(cut.body.reason).toContain('records are missing');
    const broken = await verifyWithCli();
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('records are missing');
  });
});
