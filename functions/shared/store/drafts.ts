// Issue 20: a manager's draft proposals. A draft is the new-proposal form as it was typed, kept for
// that manager only; nothing is checked, stored as a proposal, or mailed until it is opened. Opening
// it deletes the draft. Kept apart from proposals: a draft has no reference and no workflow.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients/dynamo.js';
import { tableName } from '../env.js';
import { sha256hex } from '../hash.js';
import { DRAFT_PREFIX, draftKey, draftsPartition } from '../keys.js';

/** Form fields that are not the manager's typing. */
const NOT_KEPT = new Set(['csrf', 'action', 'draftId']);
const DRAFT_ID = /^[0-9a-f-]{36}$/;

export interface Draft {
  draftId: string;
  title: string;
  savedAt: string;
  form: string;
}

export async function saveDraft(
  user: string,
  draftId: string | null,
  form: URLSearchParams,
  now: Date,
): Promise<Draft> {
  const kept = new URLSearchParams([...form].filter(([name]) => !NOT_KEPT.has(name)));
  const id = draftId && DRAFT_ID.test(draftId) ? draftId : randomUUID();
  const draft: Draft = {
    draftId: id,
    title: (form.get('title') ?? '').trim().slice(0, 200) || 'Untitled proposal',
    savedAt: now.toISOString(),
    form: kept.toString(),
  };
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...draftKey(sha256hex(user), id), type: 'draft', ...draft },
    }),
  );
  return draft;
}

export async function findDraft(user: string, draftId: string): Promise<Draft | undefined> {
  if (!DRAFT_ID.test(draftId)) return undefined;
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: draftKey(sha256hex(user), draftId), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { draftId: id, title, savedAt, form } = out.Item as Draft;
  return { draftId: id, title, savedAt, form };
}

export async function listDrafts(user: string): Promise<Draft[]> {
  const out = await dynamo.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': draftsPartition(sha256hex(user)), ':prefix': DRAFT_PREFIX },
      Limit: 100,
    }),
  );
  return ((out.Items ?? []) as Draft[])
    .map(({ draftId, title, savedAt, form }) => ({ draftId, title, savedAt, form }))
    .sort((a, b) => b.savedAt.localeCompare(a.savedAt));
}

export async function deleteDraft(user: string, draftId: string): Promise<void> {
  if (!DRAFT_ID.test(draftId)) return;
  await dynamo.send(new DeleteCommand({ TableName: tableName(), Key: draftKey(sha256hex(user), draftId) }));
}
