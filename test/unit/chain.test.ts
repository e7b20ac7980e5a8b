import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, hashDecision, sealDecision, verifyChain } from '../../functions/shared/chain.js';
import { decisionIdFor } from '../../functions/shared/keys.js';
import { type DecisionRecord, GENESIS_HASH } from '../../functions/shared/model/decision.js';
import { decisionDraft } from '../support/records.js';

type Draft = Omit<DecisionRecord, 'hash' | 'prevHash' | 'sequence' | 'decisionId'>;

function buildChain(drafts: Draft[]): DecisionRecord[] {
  const chain: DecisionRecord[] = [];
  for (const d of drafts) {
    const sequence = chain.length + 1;
    chain.push(
      sealDecision({
        ...d,
        decisionId: decisionIdFor(sequence),
        sequence,
        prevHash: chain.at(-1)?.hash ?? GENESIS_HASH,
      }),
    );
  }
  return chain;
}

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x y' } })).toBe(
      '{"a":{"c":"x y","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('decision hash', () => {
  it('is SHA-256 hex of the canonical JSON of the record without hash, so anyone can recompute it', () => {
    const [record] = buildChain([decisionDraft(1)]) as [DecisionRecord];
    const { hash, ...rest } = record;
    expect(hash).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
    expect(hashDecision(record)).toBe(hash);
    expect(record.prevHash).toBe('0'.repeat(64));
  });
});

describe('verifyChain', () => {
  it('accepts an empty chain and an intact one, counting every record', () => {
    expect(verifyChain([])).toEqual({ ok: true, checked: 0 });
    expect(
      verifyChain(buildChain([decisionDraft(1), decisionDraft(2, 'rejected'), decisionDraft(3)])),
    ).toEqual({
      ok: true,
      checked: 3,
    });
  });

  it('names the first record whose content was changed after sealing', () => {
    const chain = buildChain([decisionDraft(1), decisionDraft(2), decisionDraft(3), decisionDraft(4)]);
    const tampered = chain.map((r) => ({ ...r }));
    (tampered[2] as DecisionRecord).outcome = 'rejected';
    expect(verifyChain(tampered)).toMatchObject({ ok: false, checked: 2, firstBroken: 'DEC-000003' });
  });

  it('catches a record rewritten with a fresh hash, because the next link no longer matches', () => {
    const chain = buildChain([decisionDraft(1), decisionDraft(2), decisionDraft(3)]);
    const rewritten = sealDecision({
      ...(chain[1] as DecisionRecord),
      rationale: 'Quietly changed afterwards.',
    });
    expect(verifyChain([chain[0], rewritten, chain[2]] as DecisionRecord[])).toMatchObject({
      ok: false,
      checked: 2,
      firstBroken: 'DEC-000003',
    });
  });

  it('catches a deleted record and a re-ordered chain', () => {
    const chain = buildChain([decisionDraft(1), decisionDraft(2), decisionDraft(3)]);
    expect(verifyChain([chain[0], chain[2]] as DecisionRecord[])).toMatchObject({
      ok: false,
      firstBroken: 'DEC-000003',
    });
    expect(verifyChain([chain[1], chain[0], chain[2]] as DecisionRecord[])).toMatchObject({
      ok: false,
      checked: 0,
      firstBroken: 'DEC-000002',
    });
  });

  it('property: any change to any field of any record is caught at that record', () => {
    const fields = ['rationale', 'conditions', 'decidedBy', 'decidedAt', 'reference', 'proposalId'] as const;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 8 }),
        fc.nat(),
        fc.constantFrom(...fields),
        fc.string({ minLength: 1 }),
        (length, pick, field, junk) => {
          const chain = buildChain(Array.from({ length }, (_, i) => decisionDraft(i + 1)));
          const index = pick % length;
          const victim = chain[index] as DecisionRecord;
          fc.pre(victim[field] !== `${victim[field]}${junk}`);
          chain[index] = { ...victim, [field]: `${victim[field]}${junk}` };
          const verdict = verifyChain(chain);
          return !verdict.ok && verdict.firstBroken === victim.decisionId && verdict.checked === index;
        },
      ),
    );
  });
});
