// The floor of the lifecycle benchmark: the DynamoDB, SES and S3 calls one proposal's lifecycle
// makes, issued directly with the AWS SDK against the same local endpoints, in the same order and
// with the same concurrency, with no workflow, no HTTP API, no SMTP and no handler logic between
// them. Items and mails are copies of what a real run stored and sent, so sizes match.
//
// The call mix, read from the handlers (10 consultees, all reply, approved); Step Functions calls
// (StartExecution, SendTaskSuccess x2, GetSecretValue) are the workflow's and are left out:
//
// | step (handler)                         | DynamoDB                                          | SES | S3 |
// | -------------------------------------- | ------------------------------------------------- | --- | -- |
// | POST /proposals (create.ts)            | Update counter, Put proposal, BatchWrite 10       |     |    |
// |                                        | consultees, Put event, Update executionArn   = 5  |     |    |
// | ScorePressingNeed (score.handler.ts)   | Get, Update status, Update score, Put event  = 4  |     |    |
// | SendConsultation (send.ts)             | Get, Update status, Query consultees, BatchWrite  | 10  | 2  |
// |                                        | 10 tokens beside one TransactWrite of 10 claims;  |     |    |
// |                                        | the mailed marks in TransactWrites of up to 8 (2);|     |    |
// |                                        | recount (Get version, Query partition, Update     |     |    |
// |                                        | counts), Put event; the dashboard's count (Put    |     |    |
// |                                        | marker, Update month)                       = 13  |     |    |
// | CollectResponses (collect.ts)          | Update task token, Query consultees          = 2  |     |    |
// | each reply (smtp.ts + inbound.ts)      | Get token, Get proposal (projected), one          |     | 2  |
// |   x10, in parallel                     | TransactWrite of the reply, the consultee and the |     |    |
// |                                        | event (first-response.ts), Update counts          |     |    |
// |                                        | (+ Query consultees on the last)        = 4 (+1)  |     |    |
// | CloseConsultation (close.ts)           | Get, Update closedAt, recount (Get version, Query |     |    |
// |                                        | partition, Update counts), Update status,         |     |    |
// |                                        | Put event; the dashboard's count (Get the mailed  |     |    |
// |                                        | marker, Put marker, Update month)           = 10  |     |    |
// | RequestApproval (request.ts)           | Get, Update status, Update reviewId, Put review,  | 1   | 2  |
// |                                        | Update claim, Update settle, Put event       = 7  |     |    |
// | POST /review/{id} (review.ts)          | Get review, Query partition, Update decided  = 3  |     |    |
// | RecordDecision (record.ts, store.ts)   | Get, Query GSI3, Get claim, Put claim, Query      |     |    |
// |                                        | chain head, Put decision (again on a lost race),  |     |    |
// |                                        | Update claim, Update anchor, Update conditions,   |     |    |
// |                                        | Update status, Put event, Put register entry;     |     |    |
// |                                        | the dashboard's count (Put marker, Update    = 14 |     |    |
// |                                        | month)                                            |     |    |
// | NotifyOutcome (notify.ts)              | Get decision, Get proposal, Query consultees; per | 10  | 20 |
// |                                        | consultee (8 at a time) Update claim, Update sent;|     |    |
// |                                        | Put event                                   = 24  |     |    |
// | total per proposal                     | 123                                               | 21 (+2 GetSendQuota) | 44 |
//
// The dashboard's month item and the chain's anchor are one item each, written by every proposal,
// in the system and in the floor (which has its own), so the floor meets the same contention.
//
// S3 beside the SES mail: copies in the evidence bucket (functions/shared/mail-archive.ts), one
// object for each review request and outcome mail, one for up to 50 consultation letters, each
// written before its mail goes and again after (functions/shared/mailer.ts, consultation/send.ts).
//
// The benchmark counts the requests both runs make (diagnostics channels), so a drift between
// this table and the handlers shows in its detail column.
import { randomInt, randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetSendQuotaCommand, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { MAIL_CONCURRENCY } from '../functions/consultation/send.js';
import { mapBounded } from '../functions/shared/bounded.js';
import { DEFAULTS } from '../functions/shared/config.js';
import {
  consulteeKey,
  eventKey,
  type Key,
  proposalKey,
  replyKey,
  replyTokenKey,
  reviewKey,
} from '../functions/shared/keys.js';
import { referenceCounterUpdate } from '../functions/shared/store/proposals.js';
import type { FloorClients, FloorSamples } from './floor-clients.js';
import { appendFloorDecision, FLOOR_CHAIN, floorCount } from './lifecycle-floor-decision.js';
import { limiter } from './support/drive.js';

const TABLE = DEFAULTS.tableName;
const BUCKET = DEFAULTS.rawMailBucket;
/** The floor's chain anchor: one item, written by every floor proposal as the real one is. */
const FLOOR_ANCHOR = { PK: 'BENCHFLOOR#CHAIN#ANCHOR', SK: 'ANCHOR' };

/** `count` proposals' worth of calls, all proposals at once (as the system run opens them). */
export async function runFloor(
  c: FloorClients,
  samples: FloorSamples,
  count: number,
  replyConcurrency: number,
) {
  const replies = limiter(replyConcurrency);
  await Promise.all(Array.from({ length: count }, () => floorProposal(c, samples, replies)));
}

async function floorProposal(
  c: FloorClients,
  s: FloorSamples,
  replies: ReturnType<typeof limiter>,
): Promise<void> {
  const { dynamo } = c;
  const id = randomUUID();
  const pk = proposalKey(id);
  const emails = s.consultees.map((item) => String(item.email));
  const get = (Key: Key) => dynamo.send(new GetCommand({ TableName: TABLE, Key, ConsistentRead: true }));
  const put = (Item: Record<string, unknown>, conditional = true) =>
    dynamo.send(
      new PutCommand({
        TableName: TABLE,
        Item,
        ...(conditional ? { ConditionExpression: 'attribute_not_exists(PK)' } : {}),
      }),
    );
  const update = (Key: Key, fields: Record<string, unknown>, condition?: string) => ({
    TableName: TABLE,
    Key,
    UpdateExpression: `SET ${Object.keys(fields)
      .map((f) => `#${f} = :${f}`)
      .join(', ')}`,
    ConditionExpression: condition ?? 'attribute_exists(PK)',
    ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f])),
    ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v])),
  });
  const set = (Key: Key, fields: Record<string, unknown>, condition?: string) =>
    dynamo.send(new UpdateCommand(update(Key, fields, condition)));
  /** The updates in one transaction (SendConsultation's claims and marks). */
  const setAll = (updates: [Key, Record<string, unknown>][]) =>
    dynamo.send(
      new TransactWriteCommand({
        TransactItems: updates.map(([Key, fields]) => ({ Update: update(Key, fields) })),
      }),
    );
  const eventItem = (name: string) => ({
    ...eventKey(id, new Date().toISOString(), randomInt(10_000)),
    type: 'event',
    at: new Date().toISOString(),
    event: name,
    detail: `${name}: a line of about the length the timeline keeps for each event of a proposal`,
  });
  const event = (name: string) => put(eventItem(name));
  const query = (prefix?: string) =>
    dynamo.send(
      new QueryCommand({
        TableName: TABLE,
        KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
        ExpressionAttributeValues: { ':pk': pk.PK, ...(prefix ? { ':prefix': prefix } : {}) },
        ConsistentRead: true,
      }),
    );
  const recount = async () => {
    await get(pk);
    await query();
    await set(pk, {
      countedStates: s.proposal.countedStates ?? {},
      consultation: s.proposal.consultation ?? {},
    });
  };
  /** One consultee's entry and counts on the proposal item. */
  const countOne = (email: string) =>
    dynamo.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: pk,
        UpdateExpression: 'SET #states.#key = :entry, #c.#responded = #c.#responded + :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: {
          '#states': 'countedStates',
          '#key': `c${email.length}${randomInt(1_000_000)}`,
          '#c': 'consultation',
          '#responded': 'responded',
        },
        ExpressionAttributeValues: {
          ':entry': { mailed: true, status: 'responded', stance: 'support', version: 2 },
          ':one': 1,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
  /** A dashboard count (functions/stats/counters.ts): the event's marker, then one ADD to the month's item. */
  const count = (name: string, adds: Record<string, number>) => floorCount(dynamo, pk.PK, name, adds);
  /** Copies of sent mail in the evidence bucket, in one object (see functions/shared/mail-archive.ts). */
  const keep = (
    copies: unknown[],
    key = `evidence/floor-${id}/mail/${new Date().toISOString()}-${randomUUID()}.json`,
  ) =>
    c.s3.send(
      new PutObjectCommand({
        Bucket: DEFAULTS.evidenceBucket,
        Key: key,
        Body: JSON.stringify(copies),
        ContentType: 'application/json',
      }),
    );
  /** Sends one mail; keeps its copy before and after, or hands it to `batch` to be kept with others. */
  const mail = async (to: string, m: Email, replyTo?: string, batch?: unknown[]) => {
    const copy = { to, replyTo: replyTo ?? null, subject: m.subject, text: m.body.text, html: m.body.html };
    const key = `evidence/floor-${id}/mail/${new Date().toISOString()}-${randomUUID()}.json`;
    if (!batch) await keep([{ ...copy, sendConfirmed: false }], key);
    await c.ses.send(
      new SendEmailCommand({
        Source: m.from,
        Destination: { ToAddresses: [to] },
        ...(replyTo ? { ReplyToAddresses: [replyTo] } : {}),
        Message: {
          Subject: { Data: m.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: m.body.text ?? '', Charset: 'UTF-8' },
            Html: { Data: m.body.html ?? '', Charset: 'UTF-8' },
          },
        },
      }),
    );
    if (batch) batch.push(copy);
    else await keep([{ ...copy, sendConfirmed: true }], key);
  };

  // POST /proposals
  await dynamo.send(new UpdateCommand(referenceCounterUpdate(1900)));
  // Without the approval's conditions, which RecordDecision adds on condition that there are none.
  const { conditions, ...created } = s.proposal;
  await put({
    ...created,
    ...pk,
    GSI1PK: 'BENCHFLOOR#PROPOSALS',
    GSI2PK: 'BENCHFLOOR#STATUS',
    proposalId: id,
    status: 'submitted',
  });
  await dynamo.send(
    new BatchWriteCommand({
      RequestItems: {
        [TABLE]: s.consultees.map((item) => ({
          PutRequest: { Item: { ...item, ...consulteeKey(id, String(item.email)), status: 'pending' } },
        })),
      },
    }),
  );
  await event('submitted');
  await set(pk, { executionArn: `arn:aws:states:eu-west-2:000000000000:execution:floor:${id}` });

  // ScorePressingNeed
  await get(pk);
  await set(pk, { status: 'scoring' });
  await set(pk, { pressingNeed: s.proposal.pressingNeed });
  await event('scored');

  // SendConsultation
  await get(pk);
  await set(pk, { status: 'consulting' });
  await query('CONSULTEE#');
  const tokens = new Map(emails.map((email) => [email, randomUUID().replaceAll('-', '')]));
  // As SendConsultation: the sending rate first; the tokens and the claims (one transaction) side
  // by side, then the letters' evidence copies written before they go, the letters with their
  // mailed marks in transactions of up to 8 behind them, and the copies again.
  await c.ses.send(new GetSendQuotaCommand({}));
  await Promise.all([
    dynamo.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [...tokens].map(([email, token]) => ({
            PutRequest: {
              Item: {
                ...replyTokenKey(`${token}${token}`),
                type: 'reply-token',
                proposalId: id,
                email,
                name: 'Cllr Floor Consultee',
              },
            },
          })),
        },
      }),
    ),
    setAll(
      emails.map((email) => [consulteeKey(id, email), { mailMarker: 'sending', claimedAt: Date.now() }]),
    ),
  ]);
  const letters: unknown[] = [];
  let unmarked: string[] = [];
  let marking: Promise<unknown> = Promise.resolve();
  const markGroup = () => {
    const group = unmarked;
    unmarked = [];
    marking = marking.then(() =>
      setAll(group.map((email) => [consulteeKey(id, email), { mailMarker: 'sent', status: 'mailed' }])),
    );
  };
  await keep(
    emails.map((to) => ({
      to,
      subject: s.letter.subject,
      text: s.letter.body.text,
      html: s.letter.body.html,
    })),
  );
  await mapBounded(emails, MAIL_CONCURRENCY, async (email) => {
    const token = tokens.get(email) ?? '';
    await mail(email, s.letter, `consult+${token}@${DEFAULTS.inboundDomain}`, letters);
    unmarked.push(email);
    if (unmarked.length >= MAIL_CONCURRENCY) markGroup();
  });
  if (unmarked.length > 0) markGroup();
  await keep(letters);
  await marking;
  await recount();
  await event('consultation-mailed');
  await count('mailed', { consultationsMailed: 1, days_scoringToMailed_0: 1 });

  // CollectResponses
  await set(pk, { collectTaskToken: 'token' });
  await query('CONSULTEE#');

  // Each reply: SMTP stores it in S3, InboundMail reads it and records it.
  let answered = 0;
  await Promise.all(
    emails.map((email) =>
      replies(async () => {
        const key = `inbound/floor-${randomUUID()}`;
        await c.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: s.raw }));
        const raw = await c.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        await raw.Body?.transformToByteArray();
        const token = tokens.get(email) ?? '';
        await get(replyTokenKey(`${token}${token}`));
        await dynamo.send(
          new GetCommand({
            TableName: TABLE,
            Key: pk,
            ProjectionExpression: 'proposalId, #reference, #status, consultation, collectTaskToken',
            ExpressionAttributeNames: { '#reference': 'reference', '#status': 'status' },
            ConsistentRead: true,
          }),
        );
        // The reply, the consultee's response and the timeline entry: one conditional transaction
        // (functions/replies/first-response.ts), then the count.
        const replyId = randomUUID();
        await dynamo.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: TABLE,
                  Item: {
                    ...s.reply,
                    ...replyKey(id, replyId),
                    replyId,
                    proposalId: id,
                    consulteeEmail: email,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Update: update(consulteeKey(id, email), {
                  status: 'responded',
                  stance: 'support',
                  replyId,
                  countVersion: 2,
                }),
              },
              { Put: { TableName: TABLE, Item: eventItem('reply-received') } },
            ],
          }),
        );
        await countOne(email);
        answered += 1;
        if (answered === emails.length) await query('CONSULTEE#');
      }),
    ),
  );

  // CloseConsultation
  await get(pk);
  await set(pk, { collectTaskToken: null, updatedAt: new Date().toISOString() });
  await recount();
  await set(pk, { status: 'awaiting-approval' });
  await event('consultation-closed');
  await dynamo.send(
    new GetCommand({
      TableName: TABLE,
      Key: { PK: pk.PK, SK: 'STATS#mailed' },
      ProjectionExpression: '#at',
      ExpressionAttributeNames: { '#at': 'at' },
    }),
  );
  await count('closed', {
    consultationsClosed: 1,
    consulteesMailed: emails.length,
    consulteesResponded: emails.length,
    stance_support: 4,
    stance_concerns: 3,
    stance_object: 3,
    days_mailedToClosed_0: 1,
  });

  // RequestApproval
  const reviewId = randomUUID();
  await get(pk);
  await set(pk, { status: 'awaiting-approval' });
  await set(pk, { reviewId });
  await put({ ...s.review, ...reviewKey(reviewId), reviewId, proposalId: id });
  await set(reviewKey(reviewId), { mailMarker: 'sending' });
  await mail(String(s.reviewRequest.destination.to[0]), s.reviewRequest);
  await set(reviewKey(reviewId), { mailMarker: 'sent' });
  await event('approval-requested');

  // POST /review/{reviewId}
  await get(reviewKey(reviewId));
  await query();
  await set(reviewKey(reviewId), { state: 'decided', decision: s.review.decision ?? {} });

  // RecordDecision: the chain append, with its race for the next slot.
  await get(pk);
  await dynamo.send(
    new QueryCommand({
      TableName: TABLE,
      IndexName: 'GSI3',
      KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK = :sk',
      ExpressionAttributeValues: { ':pk': pk.PK, ':sk': 'FLOORDECISION' },
      Limit: 1,
    }),
  );
  // The proposal's one claim on a chain slot (read, taken, settled once the slot is won).
  const claim = { PK: pk.PK, SK: 'DECISION#CLAIM' };
  await get(claim);
  await put({ ...claim, type: 'decision-claim', claimedAt: Date.now() });
  const decided = await appendFloorDecision(c, s.decision, id);
  await set(claim, { sequence: decided.sequence });
  // The anchored head moves forward, never back (a slower writer's condition fails, as in the system).
  await dynamo
    .send(
      new UpdateCommand({
        TableName: TABLE,
        Key: FLOOR_ANCHOR,
        UpdateExpression: 'SET #sequence = :sequence, #hash = :hash, #at = :at',
        ConditionExpression: 'attribute_not_exists(PK) OR #sequence < :sequence',
        ExpressionAttributeNames: { '#sequence': 'sequence', '#hash': 'hash', '#at': 'anchoredAt' },
        ExpressionAttributeValues: {
          ':sequence': decided.sequence,
          ':hash': String(s.decision.hash ?? ''),
          ':at': new Date().toISOString(),
        },
      }),
    )
    .catch((error: Error) => {
      if (error.name !== 'ConditionalCheckFailedException') throw error;
    });
  await set(pk, { conditions: conditions ?? [] }, 'attribute_not_exists(#conditions)');
  const decisionSk = decided.SK;
  await set(pk, { status: 'approved', decisionId: decisionSk });
  await event('decided');
  // The register entry, put once; then the dashboard's count of the decision.
  await put({
    ...s.register,
    PK: `BENCHFLOOR#REGISTER#${id}`,
    GSI1PK: 'BENCHFLOOR#REGISTER',
    GSI2PK: 'BENCHFLOOR#REGISTER#AREA',
  });
  await count('decided', { approved: 1, days_closedToDecision_0: 1 });

  // NotifyOutcome
  await get({ PK: FLOOR_CHAIN, SK: decisionSk });
  await get(pk);
  await query('CONSULTEE#');
  // As NotifyOutcome: the sending rate, then a rolling window of MAIL_CONCURRENCY, not waves.
  await c.ses.send(new GetSendQuotaCommand({}));
  await mapBounded(emails, MAIL_CONCURRENCY, async (email) => {
    await set(consulteeKey(id, email), { outcomeMailed: 'sending' });
    await mail(email, s.outcome);
    await set(consulteeKey(id, email), { outcomeMailed: 'sent' });
  });
  await event('outcome-mailed');
}
