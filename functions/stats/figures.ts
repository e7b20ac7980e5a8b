// The dashboard's figures, read without touching a single decision: the months' counter items
// (one Query on the STATS partition, at most 36 items) and the overdue reviews (one bounded Query
// on the review-due index). What it costs does not grow with the number of decisions.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { REVIEW_DUE_PARTITION, STATS_MONTH_PREFIX, STATS_PARTITION } from '../shared/keys.js';
import { STANCES } from '../shared/model/stances.js';
import { queryAll } from '../shared/store/query.js';
import {
  CLOSED,
  CONSULTATIONS_MAILED,
  ENDINGS,
  type Ending,
  MAILED,
  parseHistogramField,
  REJECTED_INSUFFICIENT,
  RESPONDED,
  type Stage,
  tallyField,
} from './fields.js';
import type { DayHistogram } from './histogram.js';

export interface MonthFigures {
  month: string;
  endings: Record<Ending, number>;
  rejectedInsufficient: number;
  consultationsMailed: number;
  consultationsClosed: number;
  consulteesMailed: number;
  consulteesResponded: number;
  tally: Record<(typeof STANCES)[number], number>;
  stages: Record<Stage, DayHistogram>;
}

/** A counter item as stored: numbers by attribute name, beside its keys and labels. */
const CounterItem = z.record(z.string(), z.union([z.string(), z.number()]));

export function emptyMonth(month: string): MonthFigures {
  return {
    month,
    endings: { approved: 0, rejected: 0, expired: 0, withdrawn: 0 },
    rejectedInsufficient: 0,
    consultationsMailed: 0,
    consultationsClosed: 0,
    consulteesMailed: 0,
    consulteesResponded: 0,
    tally: { support: 0, concerns: 0, object: 0, unclassified: 0 },
    stages: { scoringToMailed: new Map(), mailedToClosed: new Map(), closedToDecision: new Map() },
  };
}

/** One counter item as figures; anything unexpected in it is ignored rather than shown. */
export function monthFromItem(month: string, raw: unknown): MonthFigures {
  const out = emptyMonth(month);
  const parsed = CounterItem.safeParse(raw);
  if (!parsed.success) return out;
  const item = parsed.data;
  const count = (field: string): number => {
    const value = item[field];
    return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
  };
  for (const ending of ENDINGS) out.endings[ending] = count(ending);
  out.rejectedInsufficient = count(REJECTED_INSUFFICIENT);
  out.consultationsMailed = count(CONSULTATIONS_MAILED);
  out.consultationsClosed = count(CLOSED);
  out.consulteesMailed = count(MAILED);
  out.consulteesResponded = count(RESPONDED);
  for (const stance of STANCES) out.tally[stance] = count(tallyField(stance));
  for (const field of Object.keys(item)) {
    const bucket = parseHistogramField(field);
    if (bucket && count(field) > 0) out.stages[bucket.stage].set(bucket.day, count(field));
  }
  return out;
}

/** The figures of each month asked for (oldest first), zero for a month nothing happened in. */
export async function readMonths(months: readonly string[]): Promise<MonthFigures[]> {
  const first = months[0];
  const last = months.at(-1);
  if (first === undefined || last === undefined) return [];
  // At most 36 small items: one page, unless the histograms grow large.
  const items = await queryAll({
    TableName: tableName(),
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last',
    ExpressionAttributeValues: {
      ':pk': STATS_PARTITION,
      ':first': `${STATS_MONTH_PREFIX}${first}`,
      ':last': `${STATS_MONTH_PREFIX}${last}`,
    },
  });
  const byMonth = new Map(items.map((i) => [String(i.SK).slice(STATS_MONTH_PREFIX.length), i]));
  return months.map((month) => monthFromItem(month, byMonth.get(month)));
}

/** Counting stops here: past it the dashboard says "more than". One Query page at most. */
export const OVERDUE_COUNT_CAP = 500;

export interface OverdueReviews {
  count: number;
  /** True when counting stopped at the cap: there may be more than `count`. */
  more: boolean;
  /** The longest overdue, oldest review date first. */
  oldest: { decisionId: string; proposalId: string; reference: string; reviewDate: string }[];
}

const OverdueItem = z.object({
  decisionId: z.string(),
  proposalId: z.string(),
  reference: z.string(),
  reviewDate: z.string(),
});

/**
 * Approvals whose review date is before `today` (a UK calendar day): the review-due index holds
 * only approvals, sorted by review date, so this is a count of a key range, capped, and the first
 * few of that range.
 */
export async function readOverdueReviews(today: string, show = 5): Promise<OverdueReviews> {
  const range = {
    TableName: tableName(),
    IndexName: 'GSI2',
    KeyConditionExpression: '#pk = :pk AND #sk < :today',
    ExpressionAttributeNames: { '#pk': 'GSI2PK', '#sk': 'GSI2SK' },
    // `<date>#<decisionId>` sorts before `today` exactly when the date is before today.
    ExpressionAttributeValues: { ':pk': REVIEW_DUE_PARTITION, ':today': today },
  };
  const [counted, first] = await Promise.all([
    dynamo.send(new QueryCommand({ ...range, Select: 'COUNT', Limit: OVERDUE_COUNT_CAP })),
    dynamo.send(new QueryCommand({ ...range, Limit: show })),
  ]);
  return {
    count: counted.Count ?? 0,
    more: counted.LastEvaluatedKey !== undefined,
    oldest: (first.Items ?? []).flatMap((item) => {
      const parsed = OverdueItem.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  };
}
