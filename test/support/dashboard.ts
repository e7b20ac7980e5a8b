// Realistic dashboard counters written straight into the table, for the browser test, the
// screenshots and the benchmark: what months of proposals would have left behind, without running
// them. Items are built with the same field names the counters write (functions/stats/fields.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../../functions/shared/config.js';
import { statsMonthKey } from '../../functions/shared/keys.js';
import * as fields from '../../functions/stats/fields.js';

/** A month's counter item: `scale` proposals ended in it, with a little variety month to month. */
export function monthItem(month: string, index: number, scale = 8): Record<string, unknown> {
  const wave = (k: number) => Math.round(scale * (0.75 + 0.35 * Math.sin(index * 1.3 + k)));
  const approved = wave(0);
  const rejected = Math.max(1, Math.round(wave(1) / 3));
  const mailed = wave(2) * 14;
  const item: Record<string, unknown> = {
    ...statsMonthKey(month),
    type: 'stats-month',
    month,
    approved,
    rejected,
    [fields.REJECTED_INSUFFICIENT]: Math.round(rejected / 2),
    expired: index % 4 === 1 ? 1 : 0,
    withdrawn: index % 3 === 0 ? 1 : 0,
    [fields.CONSULTATIONS_MAILED]: approved + rejected,
    [fields.CLOSED]: approved + rejected,
    [fields.MAILED]: mailed,
    [fields.RESPONDED]: Math.round(mailed * (0.55 + 0.2 * Math.sin(index * 0.9 + 2))),
    [fields.tallyField('support')]: wave(3) * 4,
    [fields.tallyField('concerns')]: wave(4) * 2,
    [fields.tallyField('object')]: wave(5),
    [fields.tallyField('unclassified')]: Math.round(wave(6) / 2),
    [fields.histogramField('scoringToMailed', 0)]: approved + rejected,
    [fields.histogramField('mailedToClosed', 14 + (index % 5))]: approved,
    [fields.histogramField('mailedToClosed', 21)]: rejected,
    [fields.histogramField('closedToDecision', 2 + (index % 3))]: approved,
    [fields.histogramField('closedToDecision', 9)]: rejected,
  };
  for (const [field, value] of Object.entries(item)) if (value === 0) delete item[field];
  return item;
}

export async function seedMonths(dynamo: DynamoDBDocumentClient, months: readonly string[], scale?: number) {
  await Promise.all(
    months.map((month, i) =>
      dynamo.send(new PutCommand({ TableName: DEFAULTS.tableName, Item: monthItem(month, i, scale) })),
    ),
  );
}

/** Approvals past their review date, as the review-due index lists them. */
export async function seedOverdueReviews(dynamo: DynamoDBDocumentClient, reviewDates: readonly string[]) {
  await Promise.all(
    reviewDates.map((reviewDate, i) => {
      const decisionId = `DEC-${String(900_001 + i)}`;
      return dynamo.send(
        new PutCommand({
          TableName: DEFAULTS.tableName,
          Item: {
            PK: `SEEDED#${decisionId}`,
            SK: 'DECISION',
            GSI2PK: 'REVIEWDUE',
            GSI2SK: `${reviewDate}#${decisionId}`,
            decisionId,
            proposalId: `seeded-${i + 1}`,
            reference: `DPIA-2025-${String(31 + i * 7).padStart(4, '0')}`,
            reviewDate,
          },
        }),
      );
    }),
  );
}
