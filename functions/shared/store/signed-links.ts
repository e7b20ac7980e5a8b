// The item behind a signed link (the approver's review link, the DPO's advice link): written once,
// read back through its record's schema, used once by one conditional update `open → used` while
// it is in date, and voided the same way. review/store.ts and dpo/store.ts say which item and what
// using it records; the rules are these, the same for both.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../clients/dynamo.js';
import { tableName } from '../env.js';
import type { Key } from '../keys.js';
import { conditionHeld } from './conditions.js';
import { claimMarker, sendClaimed } from './markers.js';

/** One kind of signed link's item: its key, its type attribute and its record's schema. */
export interface LinkItems<R> {
  key: (id: string) => Key;
  type: string;
  /** Reads only: a function that only voids or uses a link does not build the schema. */
  parse?: (item: unknown) => R;
}

/** A new item, refused where one is already at its key (ids are 128 random bits). */
export async function putLink<R extends { state: string }>(items: LinkItems<R>, id: string, record: R) {
  await dynamo.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...items.key(id), type: items.type, ...record },
      ConditionExpression: 'attribute_not_exists(PK)',
    }),
  );
  return record;
}

export async function findLink<R>(items: Required<LinkItems<R>>, id: string): Promise<R | undefined> {
  const out = await dynamo.send(
    new GetCommand({ TableName: tableName(), Key: items.key(id), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { PK: _pk, SK: _sk, type: _type, ...item } = out.Item;
  return items.parse(item);
}

/** Expired is judged on the clock, so a link dies on time even before the workflow times out. */
export const isExpired = (link: { expiresAt: string }, now: Date): boolean =>
  Date.parse(link.expiresAt) <= now.getTime();

/**
 * Uses the link, once: `open → used` with `field` set to what it records, while the link is in date.
 * False when it was not open or is out of date: nothing is written, and the caller says which.
 */
export async function useLink(
  items: LinkItems<unknown>,
  id: string,
  used: { state: string; field: string; value: unknown },
  now: Date,
): Promise<boolean> {
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: items.key(id),
        UpdateExpression: 'SET #state = :used, #field = :value',
        ConditionExpression: 'attribute_exists(PK) AND #state = :open AND #expiresAt > :now',
        ExpressionAttributeNames: { '#state': 'state', '#field': used.field, '#expiresAt': 'expiresAt' },
        ExpressionAttributeValues: {
          ':used': used.state,
          ':open': 'open',
          ':value': used.value,
          ':now': now.toISOString(),
        },
      }),
    ),
  );
}

/**
 * Voids a link (its time ran out, the proposal was withdrawn, a new round superseded it): it answers
 * 410 from then on. `from` says which states may be voided; false when it was in none.
 */
export async function voidLink(
  items: LinkItems<unknown>,
  id: string,
  reason: string,
  from: readonly string[] = ['open'],
  now = new Date(),
): Promise<boolean> {
  const values: Record<string, unknown> = { ':void': 'void', ':reason': reason, ':now': now.toISOString() };
  const fromValues = from.map((state, i) => {
    values[`:from${i}`] = state;
    return `:from${i}`;
  });
  return conditionHeld(
    dynamo.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: items.key(id),
        UpdateExpression: 'SET #state = :void, #voidReason = :reason, #voidedAt = :now',
        ConditionExpression: `attribute_exists(PK) AND #state IN (${fromValues.join(', ')})`,
        ExpressionAttributeNames: { '#state': 'state', '#voidReason': 'voidReason', '#voidedAt': 'voidedAt' },
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/**
 * Whether this run mails the link: an open link whose mail nobody has claimed (claimed now), or one
 * a run cut off between claiming and confirming left `sending` (whether SES took it is unknown and
 * nothing else would send it, so it goes again: at worst its person has it twice). A confirmed
 * mail is never resent; a used or void link is never mailed.
 */
export async function claimLinkMail(
  items: LinkItems<unknown>,
  link: { id: string; state: string; mailMarker?: 'sending' | 'sent' | undefined },
): Promise<boolean> {
  if (link.state !== 'open') return false;
  return link.mailMarker === 'sending' || claimMarker(items.key(link.id), 'mailMarker');
}

/** Sends the link's claimed mail, then marks it sent (or gives the claim back if sending failed). */
export const sendLinkMail = (items: LinkItems<unknown>, id: string, send: () => Promise<unknown>) =>
  sendClaimed(items.key(id), 'mailMarker', send);

/**
 * The request mail of a signed link and its one reminder, for a task Step Functions may run again.
 * Only the run that claims the mail (claimLinkMail) sends it and then records it (`recorded`, the
 * timeline's line). The reminder is scheduled by name after the mail, and again by a run that mails
 * nobody while the link is open: a replay cut off before scheduling leaves no link without it, and
 * scheduling twice is a no-op. True when this run mailed the link.
 */
export async function mailLinkOnce(
  items: LinkItems<unknown>,
  link: { id: string; state: string; mailMarker?: 'sending' | 'sent' | undefined },
  steps: { send: () => Promise<unknown>; recorded: () => Promise<unknown>; remind: () => Promise<unknown> },
): Promise<boolean> {
  if (!(await claimLinkMail(items, link))) {
    if (link.state === 'open') await steps.remind();
    return false;
  }
  await sendLinkMail(items, link.id, steps.send);
  await steps.recorded();
  await steps.remind();
  return true;
}
