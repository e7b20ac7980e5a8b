// Queries read to the end, a page at a time: for the partitions and index ranges a use case reads
// whole (a proposal's consultees, the chain for verification, the dashboard's months).
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients/dynamo.js';

/** Each page of the query's items in turn (`Limit` is the page size), until there is no next page. */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<Record<string, unknown>[]> {
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield (out.Items ?? []) as Record<string, unknown>[];
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

/** Every item the query matches. */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of queryPages(input)) items.push(...page);
  return items;
}
