// The public register's entry for one approved installation (SPEC 11), written once by
// RecordDecision. It is the register's own projection of the proposal and its decision: only the
// fields the register publishes are copied, so reading the register never touches the proposal
// (its site, consultees and people). Kept small: it is bundled into the record-decision function.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
// Not zod-messages.ts (zod's English locale, 3 KiB): an entry is only ever parsed as read back,
// where a failure is logged by key and its messages reach nobody (store.ts parseEntry).
import * as z from 'zod/mini';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { registerEntryKey, registerIndexKeys } from '../shared/keys.js';
import type { DecisionRecord } from '../shared/model/decision.js';
import { isoDate, isoDateTime } from '../shared/model/iso.js';
import type { ProposalInput } from '../shared/model/proposal.js';
import {
  CAMERA_TYPES,
  type CameraType,
  FACTOR_KEYS,
  type FactorKey,
} from '../shared/model/proposal-terms.js';
import { conditionHeld } from '../shared/store/conditions.js';
import { ukDay } from '../shared/uk-dates.js';

/**
 * An entry as stored and as read back. Parsing with it is the register's allow-list: whatever else
 * an item holds never reaches a page, a CSV or a JSON answer.
 */
export const RegisterEntry = z.object({
  reference: z.string().check(z.regex(/^DPIA-\d{4}-\d{4,}$/)),
  proposalId: z.string().check(z.minLength(1)),
  decisionId: z.string().check(z.minLength(1)),
  // The terms' list, not proposal.ts's schema: that module would bring the whole proposal schema.
  cameraType: z.enum(CAMERA_TYPES),
  purpose: z.string(),
  publicArea: z.string(),
  /** The accountable post; null when the proposal named none. */
  ownerRole: z.nullable(z.string()),
  approvedAt: isoDateTime({ offset: true }),
  /** The approval's day in the UK. */
  approvedOn: isoDate(),
  /**
   * The approval day until a review decision exists. An approved review (issue 14) is listed in
   * the reviewed installation's place: first approved when it was, last reviewed on the review's day.
   */
  lastReviewedOn: isoDate(),
  nextReviewOn: z.nullable(isoDate()),
});
export type RegisterEntry = z.infer<typeof RegisterEntry>;

/** What each camera type is used for, in the words of the seed register. */
export const CAMERA_USE: Record<CameraType, string> = {
  ANPR: 'Reads vehicle registration numbers and checks them against records of vehicles of interest to the police.',
  CCTV: 'Records a public space to help prevent and detect crime and keep people safe.',
  BWV: 'Worn by officers to capture evidence and record police attendance at incidents.',
  DRONE: 'Gives officers a view from the air to search for people, gather evidence and manage incidents.',
  SPEED:
    'Detects road traffic offences such as excess speed, capturing an image only when an offence is detected.',
  OTHER: 'A surveillance camera system used for the prevention and detection of crime.',
};

/** The pressing-need factors as a purpose reads them. */
const FACTOR_PURPOSE: Record<FactorKey, string> = {
  nationalSecurity: 'national security and counter terrorism',
  seriousCrime: 'serious and organised crime',
  localCrime: 'local crime',
  communityConfidence: 'community confidence and crime prevention',
};

/** A factor rated this high or higher is named as a purpose; below it, only the strongest are. */
const NAMED_RATING = 3;

/**
 * What the installation is for, from structured data only: what its camera type does, and the
 * pressing-need factors it was justified by, strongest first. Never free text (title, evidence),
 * which may name the site.
 */
export function purposeOf(input: Pick<ProposalInput, 'cameraType' | 'justification'>): string {
  const rated = FACTOR_KEYS.map((key, order) => ({ key, order, rating: input.justification[key].rating }))
    .filter((f) => f.rating > 0)
    .sort((a, b) => b.rating - a.rating || a.order - b.order);
  const strongest = rated[0]?.rating ?? 0;
  const named = rated.filter((f) => f.rating >= Math.min(NAMED_RATING, strongest));
  const use = CAMERA_USE[input.cameraType];
  return named.length === 0
    ? use
    : `${use} Pressing need: ${named.map((f) => FACTOR_PURPOSE[f.key]).join('; ')}.`;
}

const EMAIL = /[^\s@]+@[^\s@]+/;

/**
 * The owner's role if it can be published: the schema already refuses e-mail addresses and the
 * approver's or DPO's name, and this also keeps out a consultee's name or the site, should a
 * role ever mention one. Anything doubtful is left out ("Not recorded") rather than edited.
 */
export function publishableRole(input: ProposalInput): string | null {
  const role = input.owner?.role.trim();
  if (!role) return null;
  const lower = role.toLowerCase();
  const restricted = [
    input.site.description,
    input.approver.name,
    ...(input.dpo ? [input.dpo.name] : []),
    ...input.consultees.map((c) => c.name),
  ]
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length >= 3);
  return EMAIL.test(role) || restricted.some((s) => lower.includes(s)) ? null : role;
}

/** The entry of an approved proposal. */
export function registerEntry(
  proposal: { proposalId: string; reference: string; input: ProposalInput },
  decision: Pick<DecisionRecord, 'decisionId' | 'decidedAt' | 'reviewDate'>,
): RegisterEntry {
  const approvedOn = ukDay(decision.decidedAt);
  return {
    reference: proposal.reference,
    proposalId: proposal.proposalId,
    decisionId: decision.decisionId,
    cameraType: proposal.input.cameraType,
    purpose: purposeOf(proposal.input),
    publicArea: proposal.input.publicArea,
    ownerRole: publishableRole(proposal.input),
    approvedAt: decision.decidedAt,
    approvedOn,
    lastReviewedOn: approvedOn,
    nextReviewOn: decision.reviewDate,
  };
}

/** The stored item: the entry with its keys. */
export const registerItem = (entry: RegisterEntry) => ({
  ...registerEntryKey(entry.reference),
  ...registerIndexKeys(entry),
  type: 'register-entry',
  ...entry,
});

/**
 * Puts an approved proposal on the register, once: a replay of RecordDecision (or a retry after a
 * crash between the decision and this write) finds the entry there and changes nothing. A
 * rejection writes nothing.
 */
export async function addToRegister(
  proposal: { proposalId: string; reference: string; input: ProposalInput },
  decision: Pick<DecisionRecord, 'decisionId' | 'decidedAt' | 'reviewDate' | 'outcome'>,
  reviewed?: RegisterEntry,
): Promise<void> {
  if (decision.outcome !== 'approved') return;
  const entry = registerEntry(proposal, decision);
  // Issue 14: an approved review is the same camera, first approved when the reviewed one was,
  // and last reviewed now; it takes the reviewed entry's place (review-cycle.ts removes that one).
  const item = reviewed
    ? {
        ...entry,
        approvedAt: reviewed.approvedAt,
        approvedOn: reviewed.approvedOn,
        lastReviewedOn: entry.approvedOn,
      }
    : entry;
  await conditionHeld(
    dynamo.send(
      new PutCommand({
        TableName: tableName(),
        Item: registerItem(item),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}

/** Takes an installation off the register (its review was decided: it is listed under the review now, or no longer). */
export async function removeFromRegister(reference: string): Promise<void> {
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: registerEntryKey(reference) }));
}
