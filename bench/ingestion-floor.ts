// The floor of reply ingestion: what a correct implementation cannot avoid for each counted reply,
// issued directly on the same emulators, with the same replies from the same 8 SMTP connections.
// A bare SMTP server (the smtp-server package the local stack's own is built on) keeps each
// message in S3 before its 250, as SES does; then, as the handler must, the message is read back
// from S3, the reply token and the proposal read (the proposal projected as the handler projects
// it), the reply, the consultee's response and the timeline entry written in one conditional
// TransactWriteItems, and the counts moved in one conditional UpdateItem of the proposal item.
// No MIME parsing, no stance reading, no Lambda runner, no workflow: those are the system's.
// It runs on copies of the benchmark's consultations (same items, same size: the proposal item is
// rewritten by every count) under new ids, so the system's own are left as they were.
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { consulteeCountKey } from '../functions/consultation/summary.js';
import { DEFAULTS } from '../functions/shared/config.js';
import { sha256hex } from '../functions/shared/hash.js';
import {
  consulteeKey,
  eventKey,
  proposalKey,
  proposalPartition,
  replyKey,
  replyTokenKey,
} from '../functions/shared/keys.js';
import { putAll } from '../functions/shared/store/proposals.js';
import { queryAll } from '../functions/shared/store/query.js';
import { type FloorClients, floorClients } from './floor-clients.js';
import type { BenchStack } from './support/stack.js';
import { threadCpu, threadCpuSince } from './support/threads.js';

export interface FloorRun {
  /** Replies counted per second, first message sent to last reply counted. */
  rate: number;
  elapsed: number;
  /** CPU of every thread of this process per reply, ms. */
  cpuPerReply: number;
  threadsPerReply: Record<string, number>;
  counted: number;
}

/**
 * Copies of `proposalIds` (proposal item, consultees) under new ids, each consultee a new token:
 * untimed set-up, read and written through the store's own paged Query and batched writes.
 */
async function copyConsultations(proposalIds: string[]) {
  const copies: { proposalId: string; tokens: string[] }[] = [];
  for (const source of proposalIds) {
    const proposalId = `floor-${randomUUID()}`;
    const [item] = await queryAll({
      TableName: DEFAULTS.tableName,
      KeyConditionExpression: 'PK = :pk AND SK = :meta',
      ExpressionAttributeValues: { ':pk': proposalPartition(source), ':meta': proposalKey(source).SK },
    });
    const consultees = await queryAll({
      TableName: DEFAULTS.tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': proposalPartition(source), ':prefix': 'CONSULTEE#' },
    });
    const tokens: string[] = [];
    const items: Record<string, unknown>[] = [
      // Kept off the indexes' lists of proposals (the system's list pages are not the floor's).
      { ...item, ...proposalKey(proposalId), proposalId, GSI1PK: 'FLOOR', GSI2PK: 'FLOOR' },
    ];
    for (const c of consultees) {
      const email = String(c.email);
      const token = randomBytes(16).toString('hex');
      tokens.push(token);
      items.push({ ...c, ...consulteeKey(proposalId, email) });
      items.push({
        ...replyTokenKey(sha256hex(token)),
        type: 'reply-token',
        proposalId,
        email,
        name: c.name,
      });
    }
    await putAll(items);
    copies.push({ proposalId, tokens });
  }
  return copies;
}

/** The handler's unavoidable calls for one counted reply (the raw message already in S3). */
async function countReply(
  { dynamo, s3 }: FloorClients,
  rawKey: string,
  token: string,
  receivedAt: string,
): Promise<void> {
  const raw = await s3.send(new GetObjectCommand({ Bucket: DEFAULTS.rawMailBucket, Key: rawKey }));
  // Read whole, as the handler reads it to parse it.
  await raw.Body?.transformToByteArray();
  const tokenItem = (
    await dynamo.send(
      new GetCommand({
        TableName: DEFAULTS.tableName,
        Key: replyTokenKey(sha256hex(token)),
        ConsistentRead: true,
      }),
    )
  ).Item as { proposalId: string; email: string };
  const countKey = consulteeCountKey(tokenItem.email);
  const proposal = (
    await dynamo.send(
      new GetCommand({
        TableName: DEFAULTS.tableName,
        Key: proposalKey(tokenItem.proposalId),
        ProjectionExpression:
          'proposalId, #reference, #status, consultation, collectTaskToken, consulteeCount, #states.#key',
        ExpressionAttributeNames: {
          '#reference': 'reference',
          '#status': 'status',
          '#states': 'countedStates',
          '#key': countKey,
        },
        ConsistentRead: true,
      }),
    )
  ).Item as { countedStates?: Record<string, { version: number }> };
  const known = proposal.countedStates?.[countKey]?.version ?? 1;
  const replyId = sha256hex(rawKey);
  await dynamo.send(
    new TransactWriteCommand({
      ClientRequestToken: randomUUID(),
      TransactItems: [
        {
          Put: {
            TableName: DEFAULTS.tableName,
            Item: {
              ...replyKey(tokenItem.proposalId, replyId),
              type: 'reply',
              replyId,
              proposalId: tokenItem.proposalId,
              consulteeEmail: tokenItem.email,
              kind: 'response',
              stance: 'support',
              receivedAt,
              rawKey,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        {
          Update: {
            TableName: DEFAULTS.tableName,
            Key: consulteeKey(tokenItem.proposalId, tokenItem.email),
            UpdateExpression:
              'SET #status = :responded, stance = :stance, respondedAt = :at, replyId = :reply, #v = :next',
            ConditionExpression: '#v = :known',
            ExpressionAttributeNames: { '#status': 'status', '#v': 'countVersion' },
            ExpressionAttributeValues: {
              ':responded': 'responded',
              ':stance': 'support',
              ':at': receivedAt,
              ':reply': replyId,
              ':known': known,
              ':next': known + 1,
            },
          },
        },
        {
          Put: {
            TableName: DEFAULTS.tableName,
            Item: {
              ...eventKey(tokenItem.proposalId, receivedAt, Math.floor(Math.random() * 10_000)),
              type: 'event',
              at: receivedAt,
              event: 'reply-received',
              detail: 'Reply received',
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      ],
    }),
  );
  await dynamo.send(
    new UpdateCommand({
      TableName: DEFAULTS.tableName,
      Key: proposalKey(tokenItem.proposalId),
      UpdateExpression:
        'SET #states.#key = :entry, #c.#responded = #c.#responded + :one, #c.#tally.#support = #c.#tally.#support + :one',
      ConditionExpression: 'attribute_exists(PK) AND #states.#key.#version = :known',
      ExpressionAttributeNames: {
        '#states': 'countedStates',
        '#key': countKey,
        '#version': 'version',
        '#c': 'consultation',
        '#responded': 'responded',
        '#tally': 'tally',
        '#support': 'support',
      },
      ExpressionAttributeValues: {
        ':entry': { mailed: true, status: 'responded', stance: 'support', version: known + 1 },
        ':one': 1,
        ':known': known,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
}

/**
 * Sends `raws` (one reply a consultee, in order) to copies of the consultations over `connections`
 * SMTP connections and counts each as the floor does; resolves when all are counted.
 */
export async function runIngestionFloor(
  b: BenchStack,
  proposalIds: string[],
  raws: Buffer[][],
  connections: number,
): Promise<FloorRun> {
  const clients = floorClients();
  const copies = await copyConsultations(proposalIds);
  const total = raws.reduce((n, r) => n + r.length, 0);
  let counted = 0;
  let failed: unknown;
  let allCounted: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    allCounted = resolve;
  });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    disableReverseLookup: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const id = randomUUID();
        const rawKey = `floor/${id}`;
        const token = /\+([0-9a-f]+)@/.exec(session.envelope.rcptTo[0]?.address ?? '')?.[1] ?? '';
        const receivedAt = new Date().toISOString();
        clients.s3
          .send(
            new PutObjectCommand({
              Bucket: DEFAULTS.rawMailBucket,
              Key: rawKey,
              Body: Buffer.concat(chunks),
            }),
          )
          .then(() => {
            callback(null, `Ok ${id}`);
            return countReply(clients, rawKey, token, receivedAt);
          })
          .then(
            () => {
              counted++;
              if (counted === total) allCounted();
            },
            (error: unknown) => {
              failed ??= error;
              allCounted();
            },
          );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, b.config.host, resolve));
  const port = (server.server.address() as AddressInfo).port;
  const transport = nodemailer.createTransport({
    host: b.config.host,
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: connections,
    maxMessages: Number.POSITIVE_INFINITY,
  });
  try {
    // Interleaved across the consultations, as the system's replies are.
    const sends: { to: string; raw: Buffer }[] = [];
    const longest = Math.max(...raws.map((r) => r.length));
    for (let i = 0; i < longest; i++) {
      for (const [p, copy] of copies.entries()) {
        const raw = raws[p]?.[i];
        if (raw) sends.push({ to: `consult+${copy.tokens[i]}@floor.example`, raw });
      }
    }
    const cpuBefore = process.cpuUsage();
    const threadsBefore = threadCpu();
    const start = performance.now();
    await Promise.all(
      sends.map(({ to, raw }) =>
        transport.sendMail({ envelope: { from: 'consultee@floor.example', to: [to] }, raw }),
      ),
    );
    await done;
    const elapsed = performance.now() - start;
    if (failed) throw failed;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      rate: (counted / elapsed) * 1000,
      elapsed,
      cpuPerReply: (cpu.user + cpu.system) / 1000 / total,
      threadsPerReply: threadCpuSince(threadsBefore, total),
      counted,
    };
  } finally {
    transport.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
