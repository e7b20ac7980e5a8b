// Reading the public register: one Query on an index whatever the filter (never a Scan), in
// register order (camera type, public area, approval), cursor-paged.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/clients/dynamo.js';
import { tableName } from '../shared/env.js';
import { ValidationError } from '../shared/errors.js';
import {
  REGISTER_ENTRY_PREFIX,
  REGISTER_PARTITION,
  registerAreaPartition,
  registerEntryKey,
  registerTypePrefix,
} from '../shared/keys.js';
import { log } from '../shared/logger.js';
import type { CameraType } from '../shared/model/proposal-terms.js';
import { decodeCursor, encodeCursor } from '../shared/store/proposals.js';
import { RegisterEntry } from './entry.js';

export interface RegisterQuery {
  area?: string | undefined;
  type?: CameraType | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface RegisterPage {
  items: RegisterEntry[];
  nextCursor: string | null;
}

/**
 * A page of the register. With `area` the Query runs on that area's GSI2 partition, else on the
 * whole register's GSI1 partition; `type` narrows either with begins_with on the sort key, which
 * starts with the camera type. One item more than the page is read, so a cursor is only handed
 * out when another page really follows.
 */
export async function listRegister(query: RegisterQuery): Promise<RegisterPage> {
  const byArea = query.area !== undefined;
  const [index, pk, sk] = byArea ? ['GSI2', 'GSI2PK', 'GSI2SK'] : ['GSI1', 'GSI1PK', 'GSI1SK'];
  const partition = byArea ? registerAreaPartition(query.area as string) : REGISTER_PARTITION;
  const typePrefix = query.type ? registerTypePrefix(query.type) : undefined;
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: index,
      KeyConditionExpression: typePrefix ? '#pk = :pk AND begins_with(#sk, :type)' : '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pk, ...(typePrefix ? { '#sk': sk } : {}) },
      ExpressionAttributeValues: { ':pk': partition, ...(typePrefix ? { ':type': typePrefix } : {}) },
      ScanIndexForward: true,
      Limit: query.limit + 1,
      ExclusiveStartKey: registerCursor(query.cursor, pk, sk, partition, typePrefix),
    }),
  );
  const items = out.Items ?? [];
  const page = items.slice(0, query.limit);
  const last = page.at(-1);
  const more =
    items.length > query.limit || (out.LastEvaluatedKey !== undefined && page.length < query.limit);
  return {
    items: page.flatMap(parseEntry),
    nextCursor:
      more && last ? encodeCursor({ PK: last.PK, SK: last.SK, [pk]: last[pk], [sk]: last[sk] }) : null,
  };
}

/** The entry of a reference, if that proposal is on the register. */
export async function findRegisterEntry(reference: string): Promise<RegisterEntry | undefined> {
  const out = await dynamo.send(new GetCommand({ TableName: tableName(), Key: registerEntryKey(reference) }));
  return out.Item ? parseEntry(out.Item)[0] : undefined;
}

/** Only the register's own fields leave; an item that does not hold them is left out and logged. */
function parseEntry(item: Record<string, unknown>): RegisterEntry[] {
  const parsed = RegisterEntry.safeParse(item);
  if (parsed.success) return [parsed.data];
  log.error('register entry unreadable', { key: String(item.PK) });
  return [];
}

/**
 * A cursor this query handed out, or a 400: its keys must be a register entry's on this very
 * partition and, with a type filter, inside that type's range (DynamoDB refuses a start key
 * outside the key condition, and a forged one must not reach it at all).
 */
function registerCursor(
  cursor: string | undefined,
  pk: string,
  sk: string,
  partition: string,
  typePrefix: string | undefined,
): Record<string, unknown> | undefined {
  const key = decodeCursor(cursor, ['PK', 'SK', pk, sk], { SK: 'ENTRY', [pk]: partition });
  if (
    key &&
    (!String(key.PK).startsWith(REGISTER_ENTRY_PREFIX) ||
      (typePrefix && !String(key[sk]).startsWith(typePrefix)))
  ) {
    throw new ValidationError([
      { path: 'cursor', message: 'The cursor belongs to another filter: start again without it.' },
    ]);
  }
  return key;
}
