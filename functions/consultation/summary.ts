// The consultation's counts and tally on the proposal item, kept exact without re-reading the
// partition on every reply.
//
// Each consultee item carries `countVersion`, raised by every write that can change what it
// counts for (mailed, responded with a stance, bounced). The proposal item keeps, beside the
// counts, `countedStates`: for each consultee (and each late reply) the state and version the
// counts include. A sync moves one entry forward and adds the difference to the counts in ONE
// conditional update of the proposal item, so counts and entries never disagree, a replay or a
// duplicate adds nothing (same version), and an older view never overwrites a newer one.
//
// A rebuild recomputes everything from the partition (after the mailing, at the close): the
// decision record's figures are always a fresh count. It is guarded by `countsVersion`, raised
// by every sync, so a reply synced during the rebuild is never lost.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { sha256hex } from '../shared/hash.js';
import { consulteeKey, proposalKey } from '../shared/keys.js';
import type { Reply, Stance } from '../shared/model/consultation.js';
import { emptyTally, STANCES } from '../shared/model/stances.js';
import { isConditionFailure } from '../shared/store/conditions.js';
import {
  type ConsultationSummary,
  type ConsulteeRecord,
  listConsultees,
  loadProposalPartition,
  type ProposalRecord,
  proposalUpdate,
} from '../shared/store/proposals.js';

/** What one consultee (or one late reply) adds to the counts, at a version of its item. */
export interface CountedState {
  mailed: boolean;
  status: ConsulteeRecord['status'] | 'late-reply';
  stance: Stance | null;
  version: number;
}

type Counts = Pick<ConsultationSummary, 'mailed' | 'responded' | 'late' | 'bounced' | 'tally'>;
const COUNTERS = ['mailed', 'responded', 'late', 'bounced'] as const;

/** The consultee fields the counts depend on, with the version of the write that set them. */
export type CountedConsultee = Pick<ConsulteeRecord, 'email' | 'status' | 'stance' | 'mailMarker'> & {
  countVersion?: number;
};

export const consulteeCountKey = (email: string): string => `c${sha256hex(email.toLowerCase()).slice(0, 24)}`;
const lateReplyCountKey = (replyId: string): string => `r${replyId}`;

export function countedStateOf(consultee: CountedConsultee): CountedState {
  return {
    mailed: consultee.mailMarker === 'sent',
    status: consultee.status,
    stance: consultee.status === 'responded' ? consultee.stance : null,
    version: consultee.countVersion ?? 0,
  };
}

function contribution(state: CountedState | undefined): Counts {
  const tally = emptyTally();
  if (state?.status === 'responded' && state.stance) tally[state.stance] = 1;
  return {
    mailed: state?.mailed ? 1 : 0,
    responded: state?.status === 'responded' && state.stance ? 1 : 0,
    late: state?.status === 'late-reply' ? 1 : 0,
    bounced: state?.status === 'bounced' ? 1 : 0,
    tally,
  };
}

function countAll(consultees: CountedConsultee[], replies: Reply[]) {
  const states: Record<string, CountedState> = {};
  for (const c of consultees) states[consulteeCountKey(c.email)] = countedStateOf(c);
  for (const r of replies) {
    if (r.kind === 'response' && r.late) states[lateReplyCountKey(r.replyId)] = LATE_REPLY;
  }
  const counts: Counts = { mailed: 0, responded: 0, late: 0, bounced: 0, tally: emptyTally() };
  for (const state of Object.values(states)) {
    const add = contribution(state);
    for (const name of COUNTERS) counts[name] += add[name];
    for (const stance of STANCES) counts.tally[stance] += add.tally[stance];
  }
  return { states, counts };
}

const LATE_REPLY: CountedState = { mailed: false, status: 'late-reply', stance: null, version: 1 };

/**
 * What the early close reads of the proposal: the counts, the consultee total and the collection
 * token. Never the whole item, whose consultee list and count entries grow with the consultation.
 */
export interface CountsView {
  consultation: Pick<ConsultationSummary, 'responded' | 'bounced'>;
  collectTaskToken: string | null;
  /** Written at creation; null on an item older than it (then the consultees are counted). */
  consulteeCount?: number | null;
}

/** The reply path's read of the proposal: its own fields, the counts, and one consultee's entry. */
export type ProposalForReply = Pick<ProposalRecord, 'proposalId' | 'reference' | 'status'> &
  CountsView & {
    consultation: ConsultationSummary;
    countedStates?: Record<string, CountedState>;
  };

/** Part of the proposal item, read consistently: `projection`, with `names` for its placeholders. */
async function readProposalPart(
  proposalId: string,
  projection: string,
  names?: Record<string, string>,
): Promise<Record<string, unknown> | undefined> {
  const out = await dynamo.send(
    new GetCommand({
      TableName: tableName(),
      Key: proposalKey(proposalId),
      ProjectionExpression: projection,
      ...(names ? { ExpressionAttributeNames: names } : {}),
      ConsistentRead: true,
    }),
  );
  return out.Item;
}

/** The proposal's counts, consultee total and collection token, or undefined. */
export async function readCountsView(proposalId: string): Promise<CountsView | undefined> {
  return (await readProposalPart(proposalId, 'consultation, collectTaskToken, consulteeCount')) as
    | CountsView
    | undefined;
}

/** Reads what a reply needs of its proposal (with the consultee's count entry), or undefined. */
export async function findProposalForReply(
  proposalId: string,
  email: string,
): Promise<ProposalForReply | undefined> {
  const item = await readProposalPart(
    proposalId,
    'proposalId, #reference, #status, consultation, collectTaskToken, consulteeCount, #states.#key',
    // `reference` and `status` are DynamoDB reserved words.
    {
      '#reference': 'reference',
      '#status': 'status',
      '#states': 'countedStates',
      '#key': consulteeCountKey(email),
    },
  );
  return item as ProposalForReply | undefined;
}

/**
 * A conditional update of a consultee that changes what they count for: `set` and `condition` as
 * the caller writes them, with the consultee's `countVersion` raised in the same write. The item as
 * this write left it, for syncConsulteeCount; undefined when the condition did not hold.
 */
export async function updateCountedConsultee<T extends CountedConsultee = CountedConsultee>(
  proposalId: string,
  email: string,
  update: { set: string; condition: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<T | undefined> {
  try {
    const out = await dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: consulteeKey(proposalId, email),
        UpdateExpression: `SET ${update.set}, #countVersion = if_not_exists(#countVersion, :zero) + :one`,
        ConditionExpression: update.condition,
        ExpressionAttributeNames: { ...update.names, '#countVersion': 'countVersion' },
        ExpressionAttributeValues: { ...update.values, ':zero': 0, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes as T;
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/**
 * Brings the consultee's entry in the counts up to `consultee` (as its own write returned it).
 * `known` is the proposal item if the caller has read it: its entry is the first guess, and a
 * wrong guess only costs a retry. Returns the proposal as updated, or undefined when the counts
 * already include this version or a newer one.
 */
export function syncConsulteeCount(
  proposalId: string,
  consultee: CountedConsultee,
  known?: object,
): Promise<CountsView | undefined> {
  return syncEntry(proposalId, consulteeCountKey(consultee.email), countedStateOf(consultee), known);
}

/** Counts a late response once, however often its message is delivered. */
export function countLateReply(
  proposalId: string,
  replyId: string,
  known?: object,
): Promise<CountsView | undefined> {
  return syncEntry(proposalId, lateReplyCountKey(replyId), LATE_REPLY, known);
}

const MAX_SYNC_ATTEMPTS = 20;

/** DynamoDB refuses to set a path inside a map the item does not have. */
const isMissingEntries = (error: unknown): boolean =>
  (error as Error).name === 'ValidationException' &&
  /document path provided in the update expression is invalid/i.test((error as Error).message);

async function syncEntry(
  proposalId: string,
  key: string,
  next: CountedState,
  known?: object,
): Promise<CountsView | undefined> {
  let current: CountedState | undefined | null = known ? countedStatesOf(known)[key] : null;
  for (let attempt = 0; attempt < MAX_SYNC_ATTEMPTS; attempt++) {
    if (current === null) current = await readEntry(proposalId, key);
    if (current && current.version >= next.version) return undefined;
    try {
      return await applyEntry(proposalId, key, current, next);
    } catch (error) {
      if (isMissingEntries(error)) {
        // A proposal from before the counts kept their entries: a recount creates them.
        await rebuildConsultationCounts(proposalId);
        return undefined;
      }
      if (!isConditionFailure(error)) throw error;
      current = null; // someone moved the entry (or the counts) first: read it and try again
    }
  }
  throw new Error(`The consultation counts of proposal ${proposalId} kept changing; try again.`);
}

const countedStatesOf = (item: object): Record<string, CountedState> =>
  ((item as { countedStates?: Record<string, CountedState> }).countedStates ?? {}) as Record<
    string,
    CountedState
  >;

async function readEntry(proposalId: string, key: string): Promise<CountedState | undefined> {
  const item = await readProposalPart(proposalId, '#states.#key', {
    '#states': 'countedStates',
    '#key': key,
  });
  return item ? countedStatesOf(item)[key] : undefined;
}

async function applyEntry(
  proposalId: string,
  key: string,
  current: CountedState | undefined,
  next: CountedState,
): Promise<CountsView> {
  const before = contribution(current);
  const after = contribution(next);
  const names: Record<string, string> = {
    '#states': 'countedStates',
    '#key': key,
    '#countsVersion': 'countsVersion',
    '#c': 'consultation',
    '#responded': 'responded',
    '#bounced': 'bounced',
    '#token': 'collectTaskToken',
    '#count': 'consulteeCount',
  };
  const values: Record<string, unknown> = { ':entry': next, ':one': 1, ':zero': 0, ':null': null };
  const sets = [
    '#states.#key = :entry',
    '#countsVersion = if_not_exists(#countsVersion, :zero) + :one',
    // Set to themselves so that UPDATED_NEW returns them (a CountsView) without the whole item.
    '#token = if_not_exists(#token, :null)',
    '#count = if_not_exists(#count, :null)',
  ];
  // Responded and bounced always appear (plus 0 when unchanged), for the same reason; other counts
  // only when they change: DynamoDB refuses a name or value the expressions do not use.
  const add = (path: Record<string, string>, delta: number, always = false) => {
    if (delta === 0 && !always) return;
    Object.assign(names, path);
    const placeholder = `:d${Object.keys(values).length}`;
    values[placeholder] = delta;
    const expression = Object.keys(path).join('.');
    sets.push(`${expression} = ${expression} + ${placeholder}`);
  };
  for (const name of COUNTERS) {
    add({ '#c': 'consultation', [`#${name}`]: name }, after[name] - before[name], name in SHOWN);
  }
  for (const stance of STANCES) {
    add(
      { '#c': 'consultation', '#tally': 'tally', [`#t_${stance}`]: stance },
      after.tally[stance] - before.tally[stance],
    );
  }
  if (current) values[':version'] = current.version;
  const out = await dynamo.send(
    proposalUpdate(proposalId, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: current
        ? 'attribute_exists(PK) AND #states.#key.#version = :version'
        : 'attribute_exists(PK) AND attribute_not_exists(#states.#key)',
      ExpressionAttributeNames: current ? { ...names, '#version': 'version' } : names,
      ExpressionAttributeValues: values,
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return out.Attributes as CountsView;
}

/** The counts an early close reads, always returned by a sync. */
const SHOWN = { responded: true, bounced: true };

const MAX_REBUILD_ATTEMPTS = 10;

/**
 * Recounts the consultation from the whole partition and stores the counts with every entry;
 * returns the summary. Only the counts are written (never the deadline or closedAt). Refused and
 * tried again if a reply is synced meanwhile, so nothing counted during the recount is lost.
 */
export async function rebuildConsultationCounts(proposalId: string): Promise<ConsultationSummary> {
  for (let attempt = 0; attempt < MAX_REBUILD_ATTEMPTS; attempt++) {
    // The guard is read before the partition: a sync after this read changes it.
    const guard = await readCountsVersion(proposalId);
    const { proposal, consultees, replies } = await loadProposalPartition(proposalId);
    const { states, counts } = countAll(consultees, replies);
    try {
      await dynamo.send(
        proposalUpdate(proposalId, {
          UpdateExpression:
            'SET #states = :states, #countsVersion = :nextVersion, #c.#mailed = :mailed, #c.#responded = :responded, #c.#late = :late, #c.#bounced = :bounced, #c.#tally = :tally',
          ConditionExpression:
            guard === undefined
              ? 'attribute_exists(PK) AND attribute_not_exists(#countsVersion)'
              : 'attribute_exists(PK) AND #countsVersion = :version',
          ExpressionAttributeNames: {
            '#states': 'countedStates',
            '#countsVersion': 'countsVersion',
            '#c': 'consultation',
            '#mailed': 'mailed',
            '#responded': 'responded',
            '#late': 'late',
            '#bounced': 'bounced',
            '#tally': 'tally',
          },
          ExpressionAttributeValues: {
            ':states': states,
            ':nextVersion': (guard ?? 0) + 1,
            ...(guard === undefined ? {} : { ':version': guard }),
            ':mailed': counts.mailed,
            ':responded': counts.responded,
            ':late': counts.late,
            ':bounced': counts.bounced,
            ':tally': counts.tally,
          },
        }),
      );
      return { ...proposal.consultation, ...counts };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new Error(`The consultation counts of proposal ${proposalId} kept changing; try again.`);
}

async function readCountsVersion(proposalId: string): Promise<number | undefined> {
  const item = await readProposalPart(proposalId, '#countsVersion', { '#countsVersion': 'countsVersion' });
  const version = item?.countsVersion;
  return typeof version === 'number' ? version : undefined;
}

/**
 * True when the counts say every consultee who can answer (not bounced) has a counted response.
 * Cheap, from the proposal item alone; `everyoneHasResponded` confirms it from the consultees.
 */
export function countsSayEveryoneResponded(proposal: CountsView): boolean {
  // An item from before consulteeCount: only the consultees can say.
  if (typeof proposal.consulteeCount !== 'number') return true;
  const reachable = proposal.consulteeCount - proposal.consultation.bounced;
  return reachable > 0 && proposal.consultation.responded >= reachable;
}

/** True when every consultee who can answer (not bounced) has a counted response. */
export async function everyoneHasResponded(proposalId: string): Promise<boolean> {
  const consultees = await listConsultees(proposalId);
  const reachable = consultees.filter((c) => c.status !== 'bounced');
  return reachable.length > 0 && reachable.every((c) => c.status === 'responded');
}
