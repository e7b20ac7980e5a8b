// The decision hash chain (SPEC §6). hash = SHA-256 hex of the canonical JSON (RFC 8785: keys
// sorted, no whitespace) of the record without `hash`; prevHash links to the previous record.
// Anyone holding the records can re-check the chain with nothing but this rule.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DecisionRecord, UnsealedDecision } from './model/decision.js';
import { GENESIS_HASH } from './model/genesis.js';

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('Value has no JSON form');
  return text;
}

/**
 * Issue 19: the digest of the proposal as assessed (site, grounds, retention, risks, principles,
 * measures, assessment), hashed into its decision record. `dpia audit verify` recomputes it from
 * the stored proposal, so a later edit of an approved proposal no longer goes unnoticed.
 */
export function assessmentDigest(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input), 'utf8').digest('hex');
}

export function hashDecision(record: UnsealedDecision): string {
  const { hash: _ignored, ...unsealed } = record as UnsealedDecision & { hash?: string };
  return createHash('sha256').update(canonicalJson(unsealed), 'utf8').digest('hex');
}

export function sealDecision(record: UnsealedDecision): DecisionRecord {
  return { ...record, hash: hashDecision(record) };
}

export type ChainVerdict =
  | { ok: true; checked: number }
  | { ok: false; checked: number; firstBroken: string; reason: string };

/**
 * Re-checks records given in sequence order. `checked` counts the records found intact before the
 * first broken one (or all of them).
 */
export function verifyChain(
  records: Iterable<DecisionRecord>,
  previous = { sequence: 0, hash: GENESIS_HASH },
): ChainVerdict {
  let checked = 0;
  let prev = previous;
  for (const record of records) {
    const reason = brokenBecause(record, prev);
    if (reason) return { ok: false, checked, firstBroken: record.decisionId, reason };
    checked += 1;
    prev = { sequence: record.sequence, hash: record.hash };
  }
  return { ok: true, checked };
}

function brokenBecause(record: DecisionRecord, prev: { sequence: number; hash: string }): string | undefined {
  if (record.sequence !== prev.sequence + 1) return `sequence ${record.sequence} follows ${prev.sequence}`;
  if (record.prevHash !== prev.hash) return 'prevHash does not match the previous record';
  if (record.hash !== hashDecision(record)) return 'hash does not match the record';
  return undefined;
}
