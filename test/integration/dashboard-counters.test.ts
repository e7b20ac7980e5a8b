// The dashboard's counters are raised once per event however often a writer runs: each lifecycle
// writer is run twice, as a retried Lambda or a replayed task would run it, against dynalite (the
// local stack's DynamoDB, here in memory), whose conditional writes and ADD are the real thing.
// A mock would only repeat our own idea of those semantics back to us.
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consulteeKey } from '../../functions/shared/keys.js';
import { ProposalInput } from '../../functions/shared/model/proposal.js';
import { createTableInput } from '../../functions/shared/table.js';
import { ukMonth } from '../../functions/shared/uk-dates.js';
import { dayBucket } from '../../functions/stats/histogram.js';
import { LOCAL_CREDENTIALS } from '../../local/config.js';
import { proposalInput } from '../support/stack.js';

const dynalite = createRequire(import.meta.url)('dynalite') as (options: object) => {
  listen(port: number, host: string, done: () => void): void;
  address(): AddressInfo;
  close(done: () => void): void;
};
const server = dynalite({ createTableMs: 0 });
const TABLE = 'camera-dpia-dashboard-test';

// Loaded after the endpoint is set: each handler module creates its client once, at import.
let m: {
  store: typeof import('../../functions/shared/store/proposals.js');
  record: typeof import('../../functions/decisions/record.js');
  expire: typeof import('../../functions/review/expire.js');
  withdraw: typeof import('../../functions/proposals/withdraw.js');
  close: typeof import('../../functions/consultation/close.js');
  counters: typeof import('../../functions/stats/counters.js');
  figures: typeof import('../../functions/stats/figures.js');
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${server.address().port}`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: 'eu-west-2',
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    DPIA_TABLE_NAME: TABLE,
    DPIA_LOG_LEVEL: 'silent',
  });
  await new DynamoDBClient({ endpoint }).send(new CreateTableCommand(createTableInput(TABLE)));
  m = {
    store: await import('../../functions/shared/store/proposals.js'),
    record: await import('../../functions/decisions/record.js'),
    expire: await import('../../functions/review/expire.js'),
    withdraw: await import('../../functions/proposals/withdraw.js'),
    close: await import('../../functions/consultation/close.js'),
    counters: await import('../../functions/stats/counters.js'),
    figures: await import('../../functions/stats/figures.js'),
  };
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

let n = 0;
/** A proposal stored as the workflow would have left it, in `status`. */
async function stored(
  status: import('../../functions/shared/store/proposals.js').ProposalStatus,
  over: { closedAt?: string | null; createdAt?: string } = {},
) {
  n += 1;
  const input = ProposalInput.parse(proposalInput({ consultees: 2, tag: `dash${n}` }));
  const proposalId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  await m.store.putNewProposal({
    proposalId,
    reference: `DPIA-2026-${String(9000 + n)}`,
    createdAt: over.createdAt ?? '2026-03-02T09:00:00.000Z',
    createdBy: 'manager@police.example',
    updatedAt: '2026-03-02T09:00:00.000Z',
    status,
    input,
    pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1', factors: [] },
    consultation: {
      deadline: input.responseDeadline,
      mailed: 2,
      responded: 1,
      late: 0,
      bounced: 0,
      tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
      closedAt: over.closedAt ?? null,
    },
    executionArn: null,
    collectTaskToken: null,
    reviewId: null,
    decisionId: null,
  });
  return m.store.getProposal(proposalId);
}

async function consultee(
  proposalId: string,
  email: string,
  state: { status: string; stance: string | null },
) {
  await DynamoDBDocumentClient.from(new DynamoDBClient({})).send(
    new UpdateCommand({
      TableName: TABLE,
      Key: consulteeKey(proposalId, email),
      UpdateExpression: 'SET mailMarker = :sent, #status = :status, stance = :stance, countVersion = :v',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':status': state.status,
        ':stance': state.stance,
        ':v': 2,
      },
    }),
  );
}

const monthOf = async (month: string) => (await m.figures.readMonths([month]))[0];

describe('counted once, however often the writer runs', () => {
  it('RecordDecision: an approval replayed counts one approval and one closed-to-decision time', async () => {
    const p = await stored('awaiting-approval', { closedAt: '2026-03-20T17:00:00.000Z' });
    const approval = {
      outcome: 'approved' as const,
      rationale: 'Clear pressing need; the concerns are answered by the retention rules.',
      reviewDate: '2027-03-23',
      decidedBy: p.input.approver.email,
      decidedAt: '2026-03-23T10:00:00.000Z',
    };
    await m.record.recordDecision({ proposalId: p.proposalId, approval });
    await m.record.recordDecision({ proposalId: p.proposalId, approval });
    const march = await monthOf('2026-03');
    expect(march?.endings.approved).toBe(1);
    expect([...(march?.stages.closedToDecision ?? [])]).toEqual([[2, 1]]);
  });

  it('RecordDecision: the system rejection counts as rejected for insufficient need, once', async () => {
    const p = await stored('scoring');
    const approval = { outcome: 'rejected', decidedBy: 'system', reason: 'insufficient-need' } as const;
    const now = new Date('2026-04-02T09:00:05.000Z');
    await m.record.recordDecision({ proposalId: p.proposalId, approval }, now);
    await m.record.recordDecision({ proposalId: p.proposalId, approval }, now);
    const april = await monthOf('2026-04');
    expect(april?.endings.rejected).toBe(1);
    expect(april?.rejectedInsufficient).toBe(1);
    // Nobody was consulted: no closed-to-decision time to count.
    expect(april?.stages.closedToDecision.size).toBe(0);
  });

  it('MarkApprovalExpired: a replayed expiry counts once', async () => {
    const p = await stored('awaiting-approval', { closedAt: '2026-05-01T09:00:00.000Z' });
    const now = new Date('2026-05-15T09:00:00.000Z');
    const first = await m.expire.markApprovalExpired({ proposalId: p.proposalId, taskToken: 't1' }, now);
    const again = await m.expire.markApprovalExpired({ proposalId: p.proposalId, taskToken: 't1' }, now);
    expect([first.expired, again.expired]).toEqual([true, false]);
    expect((await monthOf('2026-05'))?.endings.expired).toBe(1);
  });

  it('withdrawal: a second withdrawal is refused and counts nothing', async () => {
    const p = await stored('consulting');
    await m.withdraw.withdrawProposal(p.proposalId, 'manager@police.example');
    await expect(m.withdraw.withdrawProposal(p.proposalId, 'manager@police.example')).rejects.toThrow(
      /can no longer be withdrawn/,
    );
    expect((await monthOf(ukMonth(new Date())))?.endings.withdrawn).toBe(1);
  });

  it('CloseConsultation: a retried close adds its mailed, responded and tally once', async () => {
    const p = await stored('consulting', { createdAt: '2026-06-01T09:00:00.000Z' });
    const [first, second] = p.input.consultees;
    // Both were mailed; the first replied SUPPORT in time.
    await consultee(p.proposalId, first?.email as string, { status: 'responded', stance: 'support' });
    await consultee(p.proposalId, second?.email as string, { status: 'mailed', stance: null });
    await m.counters.countConsultationMailed(p, new Date('2026-06-01T09:00:02.000Z'));
    await m.counters.countConsultationMailed(p, new Date('2026-06-02T09:00:00.000Z'));
    await m.close.closeConsultation(p.proposalId);
    await m.close.closeConsultation(p.proposalId);

    const june = await monthOf('2026-06');
    expect(june?.consultationsMailed).toBe(1);
    expect([...(june?.stages.scoringToMailed ?? [])]).toEqual([[0, 1]]);
    const closed = await monthOf(ukMonth(new Date()));
    expect(closed).toMatchObject({ consultationsClosed: 1, consulteesMailed: 2, consulteesResponded: 1 });
    expect(closed?.tally).toEqual({ support: 1, concerns: 0, object: 0, unclassified: 0 });
    // Measured from the first mailing, not the retry's, to when collection stopped.
    const { closedAt } = (await m.store.getProposal(p.proposalId)).consultation;
    const days = dayBucket('2026-06-01T09:00:02.000Z', closedAt as string) as number;
    expect([...(closed?.stages.mailedToClosed ?? [])]).toEqual([[days, 1]]);
  });
});
