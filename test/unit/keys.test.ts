import { describe, expect, it } from 'vitest';
import * as keys from '../../functions/shared/keys.js';
import { createTableInput, tableDefinition } from '../../functions/shared/table.js';

describe('keys', () => {
  it('pads chain sequence numbers so the chain sorts in order as strings', () => {
    const sks = [keys.decisionKey(10), keys.decisionKey(9), keys.decisionKey(100)].map((k) => k.SK);
    expect([...sks].sort()).toEqual([
      keys.decisionKey(9).SK,
      keys.decisionKey(10).SK,
      keys.decisionKey(100).SK,
    ]);
    expect(keys.decisionKey(123)).toEqual({ PK: 'CHAIN', SK: 'SEQ#000000000123' });
  });

  it('round-trips decision ids to chain positions and rejects anything else', () => {
    expect(keys.decisionIdFor(7)).toBe('DEC-000007');
    expect(keys.sequenceOfDecisionId(keys.decisionIdFor(7))).toBe(7);
    expect(keys.sequenceOfDecisionId(keys.decisionIdFor(1_234_567))).toBe(1_234_567);
    for (const bad of ['DEC-000000', 'DEC-12', '7', 'DEC-0000007x', '../DEC-000007']) {
      expect(keys.sequenceOfDecisionId(bad)).toBeUndefined();
    }
  });

  it('formats references as DPIA-YYYY-NNNN', () => {
    expect(keys.formatReference(2026, 1)).toBe('DPIA-2026-0001');
    expect(keys.formatReference(2026, 12345)).toBe('DPIA-2026-12345');
  });

  it('keys a consultee by lower-cased address, so case variants are one consultee', () => {
    expect(keys.consulteeKey('p1', 'A.Example@Town.Example')).toEqual(
      keys.consulteeKey('p1', 'a.example@town.example'),
    );
  });

  it('orders timeline events by time, then by their tie-breaker', () => {
    const at = '2026-12-01T10:00:00.000Z';
    const sks = [
      keys.eventKey('p1', at, 10).SK,
      keys.eventKey('p1', at, 2).SK,
      keys.eventKey('p1', '2026-12-01T09:59:59.999Z', 99).SK,
    ];
    expect([...sks].sort()).toEqual([sks[2], sks[1], sks[0]]);
  });

  it('indexes proposals by date and by status, decisions by date, proposal and review date', () => {
    expect(
      keys.proposalIndexKeys({ proposalId: 'p1', status: 'consulting', createdAt: '2026-11-23T10:00:00Z' }),
    ).toEqual({
      GSI1PK: 'PROPOSALS',
      GSI1SK: '2026-11-23T10:00:00Z#p1',
      GSI2PK: 'STATUS#consulting',
      GSI2SK: '2026-11-23T10:00:00Z#p1',
    });
    const approved = keys.decisionIndexKeys({
      decisionId: 'DEC-000001',
      proposalId: 'p1',
      decidedAt: '2026-12-20T10:00:00Z',
      outcome: 'approved',
      reviewDate: '2027-12-20',
    });
    expect(approved).toMatchObject({ GSI1PK: 'DECISIONS', GSI2PK: 'REVIEWDUE', GSI3PK: 'PROPOSAL#p1' });
    const rejected = keys.decisionIndexKeys({
      ...{ decisionId: 'DEC-000002', proposalId: 'p2' },
      decidedAt: 'x',
      outcome: 'rejected',
      reviewDate: null,
    });
    expect(rejected).not.toHaveProperty('GSI2PK');
  });

  it('defines every index key attribute in the CreateTable input', () => {
    const input = createTableInput('t');
    const defined = input.AttributeDefinitions.map((a) => a.AttributeName).sort();
    const used = [tableDefinition.partitionKey as string, tableDefinition.sortKey]
      .concat(tableDefinition.globalSecondaryIndexes.flatMap((i) => [i.partitionKey, i.sortKey]))
      .sort();
    expect(defined).toEqual(used);
    expect(input.GlobalSecondaryIndexes.map((i) => i.IndexName)).toEqual(['GSI1', 'GSI2', 'GSI3']);
  });
});
