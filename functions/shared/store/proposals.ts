// Reading and writing proposals, their consultees and their timeline in the single table, each
// write a conditional write of one item (the use cases put several in a transaction where needed).
import { randomInt } from 'node:crypto';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mapBounded } from '../bounded.js';
import { dynamo } from '../clients/dynamo.js';
import { tableName } from '../env.js';
import { NotFoundError, ValidationError } from '../errors.js';
import {
  CONSULTEE_PREFIX,
  consulteeKey,
  counterKey,
  EVENT_PREFIX,
  eventKey,
  formatReference,
  PROPOSALS_PARTITION,
  proposalIndexKeys,
  proposalKey,
  proposalPartition,
  proposalStatusPartition,
  REPLY_PREFIX,
} from '../keys.js';
import type { ConditionState } from '../model/conditions.js';
import type { Reply, Stance, Tally } from '../model/consultation.js';
import type { Consultee } from '../model/consultee.js';
import type { DpoStage, IcoConsultation } from '../model/governance.js';
import type { PressingNeed } from '../model/need.js';
import type { ProposalInput } from '../model/proposal.js';
import { termsOf } from '../model/terms.js';
import { conditionHeld, isConditionFailure } from './conditions.js';
import { queryAll } from './query.js';

/** A status as people read it, on every page and in the DPIA document; its keys are the statuses. */
export const STATUS_LABELS = {
  submitted: 'Submitted',
  scoring: 'Scoring',
  consulting: 'Consulting',
  'awaiting-dpo-advice': "Awaiting the DPO's advice",
  'awaiting-approval': 'Awaiting approval',
  approved: 'Approved',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  expired: 'Approval expired',
  failed: 'Failed',
} as const;
export type ProposalStatus = keyof typeof STATUS_LABELS;
export const PROPOSAL_STATUSES = /* @__PURE__ */ termsOf(STATUS_LABELS);

export const FINAL_STATUSES: readonly ProposalStatus[] = ['approved', 'rejected', 'withdrawn', 'failed'];

export interface ConsultationSummary {
  deadline: string;
  mailed: number;
  responded: number;
  late: number;
  bounced: number;
  tally: Tally;
  closedAt: string | null;
}

export interface ProposalRecord {
  proposalId: string;
  reference: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  status: ProposalStatus;
  input: ProposalInput;
  pressingNeed: PressingNeed | null;
  consultation: ConsultationSummary;
  executionArn: string | null;
  /** CollectResponses' task token: never leaves the back end. */
  collectTaskToken: string | null;
  reviewId: string | null;
  decisionId: string | null;
  /** MarkApprovalExpired's task token: a re-issued review link sends it. */
  reissueTaskToken?: string | null;
  /** What `consultation`'s counts include, per consultee (functions/consultation/summary.ts). */
  countedStates?: Record<string, unknown>;
  /** Raised by every change of the counts: guards a recount. */
  countsVersion?: number;
  /** How many consultees the proposal has (the early close compares the counts with it). */
  consulteeCount?: number | null;
  /** SPEC 10: the DPO stage, when the proposal names a DPO and consultation has closed. */
  dpo?: DpoStage;
  /** SPEC 11: the prior consultation with the Information Commissioner, once a manager records it. */
  icoConsultation?: IcoConsultation;
  /** Issue 19: the approval's conditions and their progress, written once by RecordDecision. */
  conditions?: ConditionState[];
  /** Issue 14: the proposal opened to review this approved one (input.reviewOf points back here). */
  nextReviewId?: string;
  /** Issue 20: when, by whom and why it was withdrawn (the reason is null when the API got none). */
  withdrawal?: { at: string; by: string; reason: string | null };
  /** Issue 15: where and why the lifecycle stopped, and the status a redrive goes back to. */
  failure?: FailureRecord;
  /** Issue 16: every stance a manager corrected, for the decision record. */
  stanceCorrections?: StanceCorrection[];
}

/** Issue 16: one manager's correction of a reply's stance, as the decision record keeps it. */
export interface StanceCorrection {
  replyId: string;
  readStance: Stance;
  stance: Stance;
  reason: string;
  by: string;
  at: string;
}

/** Every status before a decision or a withdrawal: the proposal's record is not sealed yet. */
export const UNDECIDED_STATUSES = [
  'submitted',
  'scoring',
  'consulting',
  'awaiting-dpo-advice',
  'awaiting-approval',
  'expired',
] as const satisfies readonly ProposalStatus[];

/** Where a running lifecycle can stop on an error, and so where a redrive can go back to. */
export const RESUMABLE = UNDECIDED_STATUSES;
export type ResumableStatus = (typeof RESUMABLE)[number];

export interface FailureRecord {
  /** The state the execution stopped at, when its history said. */
  step: string | null;
  /** The ASL error name (never the cause: it may quote personal data). */
  error: string;
  at: string;
  resumeStatus: ResumableStatus;
}

export interface TimelineEvent {
  at: string;
  event: string;
  detail: string;
}

export type ConsulteeRecord = Consultee & {
  /**
   * Set (conditionally) just before the consultation mail is sent: nobody is mailed twice. A
   * "sending" claim never confirmed is taken again once stale (functions/consultation/claims.ts).
   */
  mailMarker: 'sending' | 'sent' | null;
  /** When the "sending" claim was taken (ms since the epoch). */
  claimedAt?: number;
  /** SES's message id of the letter, and the key of the object holding its evidence copy. */
  messageId?: string;
  copyKey?: string;
  replyId: string | null;
  mailedAt: string | null;
  /** Raised by every write that changes what the consultee counts for. */
  countVersion?: number;
};

/** An item without its table and index keys: the record as the domain knows it. */
export const stripKeys = <T>(item: Record<string, unknown>): T => {
  const {
    PK: _pk,
    SK: _sk,
    GSI1PK: _a,
    GSI1SK: _b,
    GSI2PK: _c,
    GSI2SK: _d,
    GSI3PK: _e,
    GSI3SK: _f,
    ...rest
  } = item;
  return rest as T;
};

/** The year's reference counter one up, answering the new number (the lifecycle floor issues it too). */
export const referenceCounterUpdate = (year: number) => ({
  TableName: tableName(),
  Key: counterKey(year),
  UpdateExpression: 'ADD #n :one',
  ExpressionAttributeNames: { '#n': 'n' },
  ExpressionAttributeValues: { ':one': 1 },
  ReturnValues: 'UPDATED_NEW' as const,
});

export async function allocateReference(year: number): Promise<string> {
  const out = await dynamo.send(new UpdateCommand(referenceCounterUpdate(year)));
  const n = Number(out.Attributes?.n);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new Error(`The reference counter for ${year} returned ${String(n)}`);
  return formatReference(year, n);
}

export async function putNewProposal(record: ProposalRecord): Promise<void> {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...proposalKey(record.proposalId),
        ...proposalIndexKeys(record),
        type: 'proposal',
        countedStates: {},
        countsVersion: 0,
        consulteeCount: record.input.consultees.length,
        ...record,
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
  await putAll(
    record.input.consultees.map((c) => ({
      ...consulteeKey(record.proposalId, c.email),
      type: 'consultee',
      ...pendingConsultee(c),
    })),
  );
}

/** A consultee as the proposal is opened: not yet mailed, no reply. */
export const pendingConsultee = (c: {
  name: string;
  email: string;
  organisation?: string | undefined;
}): ConsulteeRecord => ({
  name: c.name,
  email: c.email,
  ...(c.organisation ? { organisation: c.organisation } : {}),
  status: 'pending',
  stance: null,
  respondedAt: null,
  late: false,
  senderMismatch: false,
  comment: null,
  mailMarker: null,
  replyId: null,
  mailedAt: null,
});

/** DynamoDB's limit of items in one BatchWriteItem. */
const BATCH_WRITE_ITEMS = 25;

/** Puts new items (unconditionally) 25 to a request, two requests at a time. */
export async function putAll(items: readonly Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) {
    batches.push(items.slice(i, i + BATCH_WRITE_ITEMS));
  }
  await mapBounded(batches, 2, putBatch);
}

async function putBatch(items: Record<string, unknown>[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  // BatchWrite may hand back unprocessed items under load: send them again until none are left.
  for (let attempt = 0; requests.length > 0; attempt++) {
    const out = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
    requests = (out.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
  }
}

export async function findProposal(proposalId: string): Promise<ProposalRecord | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: proposalKey(proposalId), ConsistentRead: true }),
  );
  return out.Item ? stripKeys<ProposalRecord & { type: string }>(out.Item) : undefined;
}

export async function getProposal(proposalId: string): Promise<ProposalRecord> {
  const proposal = await findProposal(proposalId);
  if (!proposal) throw new NotFoundError(`No proposal with id ${proposalId}.`);
  return proposal;
}

/**
 * Moves a proposal to a new status, only from one of the expected ones (a withdrawn proposal is
 * never reopened by a late task). Returns false when the proposal was not in any of them.
 */
export async function changeStatus(
  proposalId: string,
  status: ProposalStatus,
  from: readonly ProposalStatus[],
  extra: Partial<Omit<ProposalRecord, 'proposalId' | 'status'>> = {},
): Promise<boolean> {
  const names: Record<string, string> = {
    '#status': 'status',
    '#updatedAt': 'updatedAt',
    '#gsi2pk': 'GSI2PK',
  };
  const values: Record<string, unknown> = {
    ':status': status,
    ':now': new Date().toISOString(),
    ':gsi2pk': proposalStatusPartition(status),
  };
  const sets = ['#status = :status', '#updatedAt = :now', '#gsi2pk = :gsi2pk'];
  for (const [key, value] of Object.entries(extra)) {
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    sets.push(`#${key} = :${key}`);
  }
  const fromValues = from.map((s, i) => {
    values[`:from${i}`] = s;
    return `:from${i}`;
  });
  return conditionHeld(
    dynamo.send(
      proposalUpdate(proposalId, {
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(PK) AND #status IN (${fromValues.join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** An UpdateItem of the proposal's own item, with the caller's expressions and conditions. */
export const proposalUpdate = (
  proposalId: string,
  update: Omit<UpdateCommandInput, 'TableName' | 'Key'>,
): UpdateCommand => new UpdateCommand({ TableName: tableName(), Key: proposalKey(proposalId), ...update });

/**
 * Fields of the proposal, or one inside its consultation summary by its path (`consultation.closedAt`),
 * which leaves the counts beside it alone: replies move them at any moment.
 */
export type ProposalChanges = Partial<Omit<ProposalRecord, 'proposalId' | 'status'>> & {
  [K in keyof ConsultationSummary as `consultation.${K}`]?: ConsultationSummary[K];
};

/** Sets fields of the proposal item without touching its status. */
export async function updateProposal(
  proposalId: string,
  fields: ProposalChanges,
  condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<void> {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', ...(condition?.names ?? {}) };
  const values: Record<string, unknown> = { ':now': new Date().toISOString(), ...(condition?.values ?? {}) };
  const sets = ['#updatedAt = :now'];
  for (const [key, value] of Object.entries(fields)) {
    for (const segment of key.split('.')) names[`#f_${segment}`] = segment;
    values[`:f_${key.replace('.', '_')}`] = value;
    sets.push(`${key.replace(/(^|\.)/g, '$1#f_')} = :f_${key.replace('.', '_')}`);
  }
  await dynamo.send(
    proposalUpdate(proposalId, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: condition
        ? `attribute_exists(PK) AND (${condition.expression})`
        : 'attribute_exists(PK)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}

/** The write of one timeline event, a new item (its key ends in a tie-breaker: a clash is refused). */
export function timelineEventPut(proposalId: string, event: string, detail: string, at: Date) {
  const when = at.toISOString();
  const Item = { ...eventKey(proposalId, when, randomInt(10_000)), type: 'event', at: when, event, detail };
  return { TableName: tableName(), Item, ConditionExpression: 'attribute_not_exists(PK)' };
}

/** Appends an event to the proposal's timeline (what the detail page and evidence pack show). */
export async function addTimelineEvent(
  proposalId: string,
  event: string,
  detail: string,
  at = new Date(),
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await dynamo.send(new PutCommand(timelineEventPut(proposalId, event, detail, at)));
      return;
    } catch (error) {
      if (!isConditionFailure(error) || attempt > 5) throw error;
    }
  }
}

export interface ProposalPartition {
  proposal: ProposalRecord;
  consultees: ConsulteeRecord[];
  replies: Reply[];
  timeline: TimelineEvent[];
}

/** Everything kept under one proposal, in one paged Query. */
export async function loadProposalPartition(proposalId: string): Promise<ProposalPartition> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': proposalPartition(proposalId) },
    ConsistentRead: true,
  });
  const meta = items.find((i) => i.SK === 'META');
  if (!meta) throw new NotFoundError(`No proposal with id ${proposalId}.`);
  const of = <T>(prefix: string) =>
    items.filter((i) => String(i.SK).startsWith(prefix)).map((i) => stripKeys<T & { type?: string }>(i));
  return {
    proposal: stripKeys<ProposalRecord>(meta),
    consultees: of<ConsulteeRecord>(CONSULTEE_PREFIX).map(({ type: _t, ...c }) => c as ConsulteeRecord),
    replies: of<Reply>(REPLY_PREFIX).map(({ type: _t, ...r }) => r as Reply),
    timeline: of<TimelineEvent>(EVENT_PREFIX).map(({ at, event, detail }) => ({ at, event, detail })),
  };
}

export async function listConsultees(proposalId: string): Promise<ConsulteeRecord[]> {
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': proposalPartition(proposalId), ':prefix': CONSULTEE_PREFIX },
    ConsistentRead: true,
  });
  return items.map((i) => {
    const { type: _t, ...c } = stripKeys<ConsulteeRecord & { type?: string }>(i);
    return c as ConsulteeRecord;
  });
}

/** Proposals newest first, optionally of one status, with an opaque cursor. */
export async function listProposals(options: {
  status?: ProposalStatus;
  limit: number;
  cursor?: string;
}): Promise<{ items: ProposalRecord[]; nextCursor: string | null }> {
  const byStatus = options.status !== undefined;
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: byStatus ? 'GSI2' : 'GSI1',
      KeyConditionExpression: byStatus ? 'GSI2PK = :pk' : 'GSI1PK = :pk',
      ExpressionAttributeValues: {
        ':pk': byStatus ? proposalStatusPartition(options.status as ProposalStatus) : PROPOSALS_PARTITION,
      },
      ScanIndexForward: false,
      Limit: options.limit,
      ExclusiveStartKey: byStatus
        ? decodeCursor(options.cursor, ['PK', 'SK', 'GSI2PK', 'GSI2SK'], {
            GSI2PK: proposalStatusPartition(options.status as ProposalStatus),
          })
        : decodeCursor(options.cursor, ['PK', 'SK', 'GSI1PK', 'GSI1SK'], { GSI1PK: PROPOSALS_PARTITION }),
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => stripKeys<ProposalRecord>(i)),
    nextCursor: out.LastEvaluatedKey ? encodeCursor(out.LastEvaluatedKey) : null,
  };
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The start key a cursor carries, only if it has exactly the key attributes of the list it came
 * from (and the fixed partition values): anything else is a 400, never a DynamoDB error.
 */
export function decodeCursor(
  cursor: string | undefined,
  fields: readonly string[],
  fixed: Record<string, string> = {},
): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const record =
    key && typeof key === 'object' && !Array.isArray(key) ? (key as Record<string, unknown>) : {};
  const valid =
    Object.keys(record).length === fields.length &&
    fields.every((f) => typeof record[f] === 'string') &&
    Object.entries(fixed).every(([f, v]) => record[f] === v);
  if (!valid) {
    throw new ValidationError([
      { path: 'cursor', message: 'The cursor is not valid: start again without it.' },
    ]);
  }
  return record;
}
