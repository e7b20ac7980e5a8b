// Every DynamoDB key of the single table is built here, and nowhere else.
//
// Access patterns (who reads what, by which key or index):
//
// | pattern                                   | by                                   | reader                      |
// | ----------------------------------------- | ------------------------------------ | --------------------------- |
// | proposal by id                            | PK=PROPOSAL#<id>, SK=META            | API detail, every task      |
// | everything of one proposal                | PK=PROPOSAL#<id> (Query)             | detail page, evidence pack  |
// | consultees of a proposal                  | PK=PROPOSAL#<id>, SK begins CONSULTEE# | tally, mailing, reminders |
// | replies of a proposal                     | PK=PROPOSAL#<id>, SK begins REPLY#   | detail, review page         |
// | timeline of a proposal (in order)         | PK=PROPOSAL#<id>, SK begins EVENT#   | detail, evidence pack       |
// | one reminder of a proposal (SPEC 10)      | PK=PROPOSAL#<id>, SK=REMINDER#<kind>[#<round>] | SendReminder      |
// | consultee by reply token                  | PK=TOKEN#<sha256(token)>, SK=TOKEN   | inbound mail                |
// | review by id                              | PK=REVIEW#<reviewId>, SK=REVIEW      | review link handler         |
// | DPO advice request by id                  | PK=ADVICE#<adviceId>, SK=ADVICE      | DPO link handler            |
// | reviews digest sent to a manager, a month | PK=DIGEST#<yyyy-mm>, SK=TO#<sha256>  | monthly digest (once each)  |
// | a signed-out web session                  | PK=SESSION#<sha256(nonce)>, SK=REVOKED | every web page (GetItem)  |
// | proposals, newest first                   | GSI1: GSI1PK=PROPOSALS, GSI1SK=<createdAt>#<id> | manager/auditor list |
// | proposals by status, newest first         | GSI2: GSI2PK=STATUS#<status>, GSI2SK=<createdAt>#<id> | list ?status=  |
// | decisions by date (from/to, cursor paging)| GSI1: GSI1PK=DECISIONS, GSI1SK=<decidedAt>#<decisionId> | auditor list |
// | approvals due for review                  | GSI2: GSI2PK=REVIEWDUE, GSI2SK=<reviewDate>#<decisionId> | reviews due  |
// | decision of a proposal                    | GSI3: GSI3PK=PROPOSAL#<id>, GSI3SK=DECISION | replay guard, detail |
// | decision chain head (latest)              | PK=CHAIN, Query descending, Limit 1  | chain append                |
// | decision by id                            | PK=CHAIN, SK=SEQ#<sequence from id>  | GET /decisions/{id}         |
// | whole chain in order                      | PK=CHAIN, Query ascending, paged     | audit verify                |
// | the chain's anchored head                 | PK=CHAIN#ANCHOR, SK=ANCHOR           | chain append, audit verify  |
// | next reference number of a year           | PK=COUNTER#<year>, SK=REFERENCE (ADD) | proposal creation          |
// | public register entry by reference (SPEC 11) | PK=REGISTER#<reference>, SK=ENTRY | RecordDecision (put), public DPIA |
// | public register, by type, area, approval  | GSI1: GSI1PK=REGISTER, GSI1SK=<type>#<area>#<approvedAt>#<reference> | GET /register (?type= begins_with) |
// | public register of one public area        | GSI2: GSI2PK=REGISTER#AREA#<area>, GSI2SK=<type>#<approvedAt>#<reference> | GET /register?area= |
// | dashboard figures of a month (counters)   | PK=STATS, SK=MONTH#<yyyy-mm> (ADD; Query BETWEEN) | auditor dashboard |
// | "counted once" marker of a lifecycle event | PK=PROPOSAL#<id>, SK=STATS#<event>  | functions/stats/ counters   |
// | a manager's draft proposals (issue 20)     | PK=DRAFTS#<sha256(user)>, SK=DRAFT#<id> (Query) | new-proposal form, list |
//
// Reply items are keyed by a hash of the Message-ID, so a message delivered twice is stored once
// (conditional put on attribute_not_exists).

export interface Key {
  PK: string;
  SK: string;
}

const SEQUENCE_DIGITS = 12;

export const proposalKey = (proposalId: string): Key => ({ PK: `PROPOSAL#${proposalId}`, SK: 'META' });
export const proposalPartition = (proposalId: string): string => `PROPOSAL#${proposalId}`;

export const proposalIndexKeys = (p: { proposalId: string; status: string; createdAt: string }) => ({
  GSI1PK: 'PROPOSALS',
  GSI1SK: `${p.createdAt}#${p.proposalId}`,
  GSI2PK: proposalStatusPartition(p.status),
  GSI2SK: `${p.createdAt}#${p.proposalId}`,
});
export const PROPOSALS_PARTITION = 'PROPOSALS';
export const proposalStatusPartition = (status: string): string => `STATUS#${status}`;

export const CONSULTEE_PREFIX = 'CONSULTEE#';
export const consulteeKey = (proposalId: string, email: string): Key => ({
  PK: proposalPartition(proposalId),
  SK: `${CONSULTEE_PREFIX}${email.toLowerCase()}`,
});

export const REPLY_PREFIX = 'REPLY#';
export const replyKey = (proposalId: string, messageIdHash: string): Key => ({
  PK: proposalPartition(proposalId),
  SK: `${REPLY_PREFIX}${messageIdHash}`,
});
/** Mail whose token matched no consultee is kept for triage under one partition. */
export const unmatchedReplyKey = (messageIdHash: string): Key => ({
  PK: 'UNMATCHED',
  SK: `${REPLY_PREFIX}${messageIdHash}`,
});

export const EVENT_PREFIX = 'EVENT#';
/** `n` breaks ties between events of the same millisecond. */
export const eventKey = (proposalId: string, at: string, n: number): Key => ({
  PK: proposalPartition(proposalId),
  SK: `${EVENT_PREFIX}${at}#${String(n).padStart(4, '0')}`,
});

/** A reminder's own record: when its first attempt began (its timeline event is written once). */
export const reminderKey = (proposalId: string, kind: string, roundId: string | null): Key => ({
  PK: proposalPartition(proposalId),
  SK: `REMINDER#${kind}${roundId === null ? '' : `#${roundId}`}`,
});

export const replyTokenKey = (tokenHash: string): Key => ({ PK: `TOKEN#${tokenHash}`, SK: 'TOKEN' });

export const reviewKey = (reviewId: string): Key => ({ PK: `REVIEW#${reviewId}`, SK: 'REVIEW' });
export const adviceKey = (adviceId: string): Key => ({ PK: `ADVICE#${adviceId}`, SK: 'ADVICE' });
/** A signed-out web session (issue 21), by the hash of its per-session nonce, until it would expire. */
export const revokedSessionKey = (nonceHash: string): Key => ({ PK: `SESSION#${nonceHash}`, SK: 'REVOKED' });
/** The monthly reviews digest to one manager (the address hashed): claimed once per month. */
export const digestKey = (month: string, recipientHash: string): Key => ({
  PK: `DIGEST#${month}`,
  SK: `TO#${recipientHash}`,
});

export const CHAIN_PARTITION = 'CHAIN';
/**
 * The chain's anchored head (issue 21): the latest sequence and hash, advanced by every append and
 * never moved back. Outside the CHAIN partition, so no chain Query ever meets it.
 */
export const chainAnchorKey = (): Key => ({ PK: 'CHAIN#ANCHOR', SK: 'ANCHOR' });
export const SEQUENCE_PREFIX = 'SEQ#';
export const decisionKey = (sequence: number): Key => ({
  PK: CHAIN_PARTITION,
  SK: `${SEQUENCE_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`,
});

/**
 * A proposal's claim on its one decision (issue 15): taken before a chain slot, then settled with
 * the slot's sequence, so a second run of RecordDecision finds the decision with one consistent read.
 */
export const decisionClaimKey = (proposalId: string): Key => ({
  PK: proposalPartition(proposalId),
  SK: 'DECISION#CLAIM',
});

/** Decision ids carry their chain position, so a decision is one GetItem away. */
export const decisionIdFor = (sequence: number): string => `DEC-${String(sequence).padStart(6, '0')}`;
export function sequenceOfDecisionId(decisionId: string): number | undefined {
  const match = /^DEC-(\d{6,12})$/.exec(decisionId);
  const sequence = match ? Number(match[1]) : Number.NaN;
  return Number.isSafeInteger(sequence) && sequence > 0 ? sequence : undefined;
}

export const DECISIONS_PARTITION = 'DECISIONS';
export const REVIEW_DUE_PARTITION = 'REVIEWDUE';
export const decisionIndexKeys = (d: {
  decisionId: string;
  proposalId: string;
  decidedAt: string;
  outcome: string;
  reviewDate: string | null;
}) => ({
  GSI1PK: DECISIONS_PARTITION,
  GSI1SK: `${d.decidedAt}#${d.decisionId}`,
  ...(d.outcome === 'approved' && d.reviewDate
    ? { GSI2PK: REVIEW_DUE_PARTITION, GSI2SK: `${d.reviewDate}#${d.decisionId}` }
    : {}),
  GSI3PK: proposalPartition(d.proposalId),
  GSI3SK: 'DECISION',
});

export const counterKey = (year: number): Key => ({ PK: `COUNTER#${year}`, SK: 'REFERENCE' });
export const formatReference = (year: number, n: number): string =>
  `DPIA-${year}-${String(n).padStart(4, '0')}`;

// The public register (SPEC 11): one entry per approved installation, written once by RecordDecision.
// `<area>` is the public area folded (case, spacing), so `?area=tenterden` finds "Tenterden".
export const REGISTER_PARTITION = 'REGISTER';
export const REGISTER_ENTRY_PREFIX = 'REGISTER#';
export const registerEntryKey = (reference: string): Key => ({
  PK: `${REGISTER_ENTRY_PREFIX}${reference}`,
  SK: 'ENTRY',
});
export const foldPublicArea = (area: string): string =>
  area.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
export const registerAreaPartition = (area: string): string =>
  `${REGISTER_PARTITION}#AREA#${foldPublicArea(area)}`;
/** The sort keys of both register indexes start with the camera type, so `?type=` is a begins_with. */
export const registerTypePrefix = (cameraType: string): string => `${cameraType}#`;
export const registerIndexKeys = (e: {
  reference: string;
  cameraType: string;
  publicArea: string;
  approvedAt: string;
}) => ({
  GSI1PK: REGISTER_PARTITION,
  GSI1SK: `${registerTypePrefix(e.cameraType)}${foldPublicArea(e.publicArea)}#${e.approvedAt}#${e.reference}`,
  GSI2PK: registerAreaPartition(e.publicArea),
  GSI2SK: `${registerTypePrefix(e.cameraType)}${e.approvedAt}#${e.reference}`,
});

/**
 * The auditor dashboard's counters (functions/stats/): one item per calendar month, in one
 * partition so the last 36 months are one Query; raised with ADD where the lifecycle events happen.
 */
export const STATS_PARTITION = 'STATS';
export const STATS_MONTH_PREFIX = 'MONTH#';
export const statsMonthKey = (month: string): Key => ({
  PK: STATS_PARTITION,
  SK: `${STATS_MONTH_PREFIX}${month}`,
});
/** Put once (attribute_not_exists) before an event is counted: a replay finds it and adds nothing. */
export const statsMarkerKey = (proposalId: string, event: string): Key => ({
  PK: proposalPartition(proposalId),
  SK: `STATS#${event}`,
});

/** Issue 20: a manager's unsent drafts, one partition per manager (the user id is hashed). */
export const draftsPartition = (userHash: string): string => `DRAFTS#${userHash}`;
export const DRAFT_PREFIX = 'DRAFT#';
export const draftKey = (userHash: string, draftId: string): Key => ({
  PK: draftsPartition(userHash),
  SK: `${DRAFT_PREFIX}${draftId}`,
});
