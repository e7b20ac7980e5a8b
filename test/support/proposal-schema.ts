// The proposal schema's tests share one small valid proposal and the ways to read its verdict:
// `proposal({...})` changes it by dotted paths, `issuesOf`, `onlyIssue` and `accepted` parse it.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { GUIDING_PRINCIPLES, ProposalInput } from '../../functions/shared/model/proposal.js';

export type Doc = { [key: string]: unknown };

export const example = (name: string): Doc =>
  JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));

export const EVIDENCE =
  'Fourteen thefts from vehicles were reported in the car park in the last twelve months.';

/** A small, valid proposal; retention is left out on purpose so the defaults apply. */
export const BASE: Doc = {
  title: 'CCTV - Station Road car park',
  cameraType: 'CCTV',
  publicArea: 'Ashford',
  site: {
    description: 'Station Road long-stay car park, lighting column 4 by the pay machines',
    latitude: 51.1465,
    longitude: 0.875,
  },
  justification: {
    nationalSecurity: { rating: 0 },
    seriousCrime: { rating: 2, evidence: EVIDENCE },
    localCrime: { rating: 4, evidence: EVIDENCE },
    communityConfidence: { rating: 3, evidence: EVIDENCE },
  },
  consultees: [
    { name: 'Cllr Jane Marsh', email: 'j.marsh@ashford-bc.example', organisation: 'Ashford Borough Council' },
    { name: 'Mr Alan Reed', email: 'a.reed@ashford-csp.example' },
  ],
  responseDeadline: '2026-12-15T17:00:00Z',
  approver: { name: 'Supt Mark Ellison', email: 'm.ellison@police.example' },
};

/** Marks a field to delete in `proposal({...})`. */
export const REMOVED = Symbol('removed');

/**
 * A deep copy of the base proposal with changes applied; each key is a dotted path
 * (`justification.seriousCrime.rating`, `consultees.0.email`) and REMOVED deletes the field.
 */
export function proposal(changes: Record<string, unknown> = {}): Doc {
  const doc = structuredClone(BASE);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    const last = keys.pop() as string;
    let target = doc;
    for (const key of keys) target = target[key] as Doc;
    if (value === REMOVED) delete target[last];
    else target[last] = value;
  }
  return doc;
}

export const consultee = (i: number) => ({ name: `Consultee ${i}`, email: `consultee${i}@parish.example` });
export const consultees = (count: number) => Array.from({ length: count }, (_, i) => consultee(i));
/** Every principle met, as a document a test may change or break entry by entry. */
export const fullChecklist = (): Doc[] =>
  GUIDING_PRINCIPLES.map((_, i) => ({ principle: i + 1, met: true, note: `Principle ${i + 1} is met.` }));
export const risk = (changes: Doc = {}) => ({
  description: 'Collateral intrusion into neighbouring gardens',
  likelihood: 2,
  severity: 2,
  mitigation: 'Privacy masking on the two nearest gardens',
  ...changes,
});

export interface Issue {
  path: string;
  message: string;
}

/** The issues zod reports, with paths joined by dots; fails the test if the input is accepted. */
export function issuesOf(input: unknown): Issue[] {
  const parsed = ProposalInput.safeParse(input);
  if (parsed.success) throw new Error('expected the proposal to be refused, but it was accepted');
  return parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** The single issue for the input: one mistake gives one clear problem, not a cascade. */
export function onlyIssue(input: unknown): Issue {
  const issues = issuesOf(input);
  expect(issues).toHaveLength(1);
  return issues[0] as Issue;
}

/** The parsed proposal; fails the test naming every issue if refused. */
export function accepted(input: unknown): ProposalInput {
  const parsed = ProposalInput.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`expected the proposal to be accepted, but: ${problems.join('; ')}`);
  }
  return parsed.data;
}
