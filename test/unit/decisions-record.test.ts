// RecordDecision for both writer paths (the system's insufficient-need rejection and the
// approver's choice), with DynamoDB mocked.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/decisions/record.handler.js';
import { ProposalClosedError, recordDecision } from '../../functions/decisions/record.js';
import { assessmentDigest, hashDecision } from '../../functions/shared/chain.js';
import { decisionKey, proposalKey } from '../../functions/shared/keys.js';
import { DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { CLOSED_COUNTS, exampleInput, nothingCounted, openConsultation } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const NOW = new Date('2026-12-16T09:30:00.000Z');

const input = exampleInput();

const proposal = (over: Partial<ProposalRecord> = {}): ProposalRecord => ({
  proposalId: 'p-1',
  reference: 'DPIA-2026-0007',
  createdAt: '2026-11-01T09:00:00.000Z',
  createdBy: 'manager@police.example',
  updatedAt: '2026-12-15T17:00:00.000Z',
  status: 'awaiting-approval',
  input,
  pressingNeed: {
    score: 65,
    band: 'clear',
    policyVersion: '2026.1',
    factors: [{ factor: 'seriousCrime', rating: 4, weight: 0.3, contribution: 24 }],
  },
  consultation: {
    deadline: input.responseDeadline,
    ...CLOSED_COUNTS,
    bounced: 1,
    closedAt: '2026-12-15T17:00:00.000Z',
  },
  executionArn: null,
  collectTaskToken: null,
  reviewId: 'rev-1',
  decisionId: null,
  ...over,
});

const insufficient = (): ProposalRecord =>
  proposal({
    status: 'scoring',
    reviewId: null,
    pressingNeed: { score: 28, band: 'insufficient', policyVersion: '2026.1', factors: [] },
    consultation: openConsultation(input.responseDeadline),
  });

const SYSTEM = { outcome: 'rejected', decidedBy: 'system', reason: 'insufficient-need' } as const;
const choice = (over: object = {}) => ({
  outcome: 'approved' as const,
  rationale: 'Clear pressing need; the objection is answered by the retention and access rules.',
  conditions: 'Encrypt the back-office link (principle 9) before go-live.',
  reviewDate: '2027-12-16',
  decidedBy: input.approver.email,
  decidedAt: '2026-12-16T09:12:00.000Z',
  ...over,
});

let refuseStatus: boolean;
function given(p: ProposalRecord, existing?: DecisionRecord) {
  ddb
    .on(GetCommand, { Key: proposalKey(p.proposalId) })
    .resolves({ Item: { ...proposalKey(p.proposalId), ...p } });
  ddb
    .on(QueryCommand, { IndexName: 'GSI3' })
    .resolves({ Items: existing ? [{ ...existing, GSI3SK: 'DECISION' }] : [] });
}

/** The record as written to the chain, checked against the strict schema of SPEC §6. */
function written(): DecisionRecord {
  const [put] = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.Item?.type === 'decision');
  const { PK, SK, GSI1PK, GSI1SK, GSI2PK, GSI2SK, GSI3PK, GSI3SK, type, ...record } =
    put?.args[0].input.Item ?? {};
  expect({ PK, SK }).toEqual(decisionKey(1));
  return DecisionRecord.parse(record);
}
const timeline = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item)
    .filter((i) => i?.type === 'event');
const statusUpdate = () =>
  ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.ExpressionAttributeValues?.[':status'])?.args[0]
    .input;

unitEnv();

beforeEach(() => {
  ddb.reset();
  refuseStatus = false;
  ddb.on(QueryCommand).resolves({ Items: [] }); // an empty chain
  ddb.on(GetCommand).resolves({}); // no other item (the decision claim among them)
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).callsFake(() => {
    if (refuseStatus) throw conditionFailed();
    return {};
  });
});

describe('recordDecision: the system path', () => {
  it('records the insufficient-need rejection with the score, band and policy, and no review date', async () => {
    given(insufficient());
    const result = await recordDecision({ proposalId: 'p-1', approval: SYSTEM }, NOW);
    expect(result).toEqual({ decisionId: 'DEC-000001', outcome: 'rejected' });
    const record = written();
    expect(record).toEqual({
      decisionId: 'DEC-000001',
      proposalId: 'p-1',
      // Issue 19: the proposal as assessed, hashed into the record.
      assessedDigest: assessmentDigest(input),
      reference: 'DPIA-2026-0007',
      outcome: 'rejected',
      rationale:
        'Rejected by the system: the pressing-need score of 28 is below the threshold for the insufficient band under scoring policy 2026.1; no consultation was held.',
      conditions: null,
      decidedBy: 'system',
      decidedAt: NOW.toISOString(),
      reviewDate: null,
      pressingNeed: { score: 28, band: 'insufficient', policyVersion: '2026.1' },
      consultation: nothingCounted(),
      // The example's two risks are medium (3 x 1 and 2 x 2) and no residual values lower them.
      residualRisk: 'medium',
      sequence: 1,
      prevHash: GENESIS_HASH,
      hash: hashDecision(record),
    });
    expect(statusUpdate()).toMatchObject({
      Key: proposalKey('p-1'),
      ExpressionAttributeValues: expect.objectContaining({
        ':status': 'rejected',
        ':decisionId': 'DEC-000001',
        ':from0': 'scoring',
      }),
    });
    expect(timeline()).toEqual([expect.objectContaining({ event: 'decided' })]);
    expect(timeline()[0]?.detail).toContain('the system');
  });
});

describe('recordDecision: the approver path', () => {
  it('records the approver choice with the consultation counts, exactly the SPEC §6 fields', async () => {
    given(proposal());
    const result = await handler({ proposalId: 'p-1', approval: choice() });
    expect(result).toEqual({ decisionId: 'DEC-000001', outcome: 'approved' });
    const record = written();
    expect(record).toMatchObject({
      outcome: 'approved',
      rationale: choice().rationale,
      conditions: choice().conditions,
      decidedBy: input.approver.email,
      decidedAt: '2026-12-16T09:12:00.000Z',
      reviewDate: '2027-12-16',
      pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
      consultation: CLOSED_COUNTS,
    });
    expect(statusUpdate()?.ExpressionAttributeValues).toMatchObject({ ':status': 'approved' });
    expect(timeline()[0]?.detail).toContain(input.approver.name);
  });

  it('gives a rejection no review date and empty conditions as null', async () => {
    given(proposal());
    await recordDecision(
      { proposalId: 'p-1', approval: choice({ outcome: 'rejected', conditions: '  ' }) },
      NOW,
    );
    expect(written()).toMatchObject({ outcome: 'rejected', reviewDate: null, conditions: null });
  });

  it('returns the decision already recorded on a replay, appending and announcing nothing', async () => {
    given(proposal());
    await recordDecision({ proposalId: 'p-1', approval: choice() }, NOW);
    const first = written();
    ddb.resetHistory();
    given(proposal({ status: 'approved', decisionId: first.decisionId }), first);
    refuseStatus = true;
    const again = await recordDecision({ proposalId: 'p-1', approval: choice() }, NOW);
    expect(again).toEqual({ decisionId: first.decisionId, outcome: 'approved' });
    // Only the register entry is put again, conditionally (it is there already, or a crash came
    // between the decision and the entry), and the dashboard counter's marker is tried again where
    // none exists yet: nothing goes on the chain or the timeline.
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(
      puts.filter((p) => p.Item?.type !== 'stats-marker').map((p) => [p.Item?.type, p.ConditionExpression]),
    ).toEqual([['register-entry', 'attribute_not_exists(PK)']]);
    expect(puts.every((p) => p.ConditionExpression === 'attribute_not_exists(PK)')).toBe(true);
  });

  it("carries the DPO's advice with the approver's answer, the residual risk and the ICO consultation, hashed", async () => {
    const ico = {
      submittedOn: '2026-09-01',
      reference: 'ICO/PC/2026/0042',
      outcome: 'advice-received' as const,
      summary: 'Limit access to listed offences.',
      recordedBy: 'manager@police.example',
      recordedAt: '2026-10-20T10:00:00.000Z',
    };
    given(
      proposal({
        input: {
          ...input,
          risks: [
            { description: 'Creep', mitigation: 'Audit', likelihood: 3, severity: 3, residualLikelihood: 2 },
          ],
        },
        icoConsultation: ico,
        dpo: {
          adviceId: 'adv-1',
          dpoName: 'Data Protection Officer',
          requestedAt: '2026-12-15T17:05:00.000Z',
          expiresAt: '2026-12-22T17:05:00.000Z',
          status: 'advised',
          recommendation: 'do-not-proceed',
          advice: 'Encrypt the link first.',
          advisedAt: '2026-12-16T08:00:00.000Z',
        },
      }),
    );
    await recordDecision(
      {
        proposalId: 'p-1',
        approval: choice({ dpoAdvice: 'overruled', dpoReasons: 'Encryption is contracted.' }),
      },
      NOW,
    );
    const record = written();
    expect(record).toMatchObject({
      dpoAdvice: {
        recommendation: 'do-not-proceed',
        advice: 'Encrypt the link first.',
        response: 'overruled',
        reasons: 'Encryption is contracted.',
      },
      residualRisk: 'high',
      icoConsultation: ico,
    });
    expect(record.hash).toBe(hashDecision(record));
  });

  it('records that the DPO did not answer in time', async () => {
    given(
      proposal({
        dpo: {
          adviceId: 'adv-1',
          dpoName: 'Data Protection Officer',
          requestedAt: '2026-12-08T17:05:00.000Z',
          expiresAt: '2026-12-15T17:05:00.000Z',
          status: 'no-response',
          timedOutAt: '2026-12-15T17:05:00.000Z',
        },
      }),
    );
    await recordDecision({ proposalId: 'p-1', approval: choice() }, NOW);
    const record = written();
    expect(record.dpoNoResponse).toEqual({
      requestedAt: '2026-12-08T17:05:00.000Z',
      timedOutAt: '2026-12-15T17:05:00.000Z',
    });
    expect(record.dpoAdvice).toBeUndefined();
  });

  it('decides nothing for a withdrawn proposal', async () => {
    given(proposal({ status: 'withdrawn' }));
    await expect(recordDecision({ proposalId: 'p-1', approval: choice() }, NOW)).rejects.toBeInstanceOf(
      ProposalClosedError,
    );
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses an approval that is neither the system rejection nor a complete approver choice', async () => {
    given(proposal());
    await expect(
      handler({ proposalId: 'p-1', approval: { outcome: 'approved', decidedBy: 'system' } }),
    ).rejects.toThrow();
    await expect(handler({ proposalId: 'p-1', approval: choice({ rationale: '' }) })).rejects.toThrow();
    await expect(handler({ proposalId: 'p-1', approval: choice({ decidedBy: 'system' }) })).rejects.toThrow();
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
