// The floor's decision chain and dashboard counts (lifecycle-floor.ts): the chain append with its
// race for the next slot, and a count as functions/stats/counters.ts makes it, each against items
// of the floor's own, so the real chain stays verifiable and the real dashboard unchanged.
import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../functions/shared/config.js';
import type { FloorClients } from './floor-clients.js';

const TABLE = DEFAULTS.tableName;
/** The floor's decisions go to a partition of their own, so the real chain stays verifiable. */
export const FLOOR_CHAIN = 'BENCHFLOOR#CHAIN';
/** The floor's dashboard month: one item, written by every floor proposal as the real one is. */
const FLOOR_MONTH = { PK: 'BENCHFLOOR#STATS', SK: 'MONTH' };

/** A dashboard count: the event's marker (put once), then one ADD to the month's item. */
export async function floorCount(
  dynamo: DynamoDBDocumentClient,
  partition: string,
  name: string,
  adds: Record<string, number>,
): Promise<void> {
  const at = new Date().toISOString();
  const month = at.slice(0, 7);
  await dynamo.send(
    new PutCommand({
      TableName: TABLE,
      Item: { PK: partition, SK: `STATS#${name}`, type: 'stats-marker', event: name, month, at },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
  const fields = Object.entries(adds);
  await dynamo.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: FLOOR_MONTH,
      UpdateExpression: `SET #type = :type, #month = :month ADD ${fields.map((_, i) => `#f${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: {
        '#type': 'type',
        '#month': 'month',
        ...Object.fromEntries(fields.map(([field], i) => [`#f${i}`, field])),
      },
      ExpressionAttributeValues: {
        ':type': 'stats-month',
        ':month': month,
        ...Object.fromEntries(fields.map(([, n], i) => [`:v${i}`, n])),
      },
    }),
  );
}

export async function appendFloorDecision(
  c: FloorClients,
  decision: Record<string, unknown>,
  proposalId: string,
) {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const head = await c.dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': FLOOR_CHAIN },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const sequence = Number(head.Items?.[0]?.sequence ?? 0) + 1;
    const SK = `SEQ#${String(sequence).padStart(12, '0')}`;
    try {
      await c.dynamo.send(
        new PutCommand({
          TableName: TABLE,
          Item: {
            ...decision,
            PK: FLOOR_CHAIN,
            SK,
            GSI1PK: 'BENCHFLOOR#DECISIONS',
            GSI3PK: `PROPOSAL#${proposalId}`,
            GSI3SK: 'FLOORDECISION',
            GSI2PK: 'BENCHFLOOR#REVIEWDUE',
            proposalId,
            sequence,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { SK, sequence };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 10 * 2 ** attempt)));
    }
  }
  throw new Error('floor: could not append a decision after 12 attempts');
}
