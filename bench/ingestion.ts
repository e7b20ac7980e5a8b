// Reply ingestion: 1,000 replies (quick: 50) over SMTP to open consultations — several proposals
// with many consultees and a deadline an hour ahead, one consultee of each left silent so no
// consultation closes early — counted per second from the first reply sent until every one is
// reflected in DynamoDB (counted on its proposal, which happens after its consultee is written).
// A few messages are delivered twice (the same Message-ID), as mail systems do: they must be
// stored and counted once. Before them, untimed, 499 replies to a proposal of its own warm the
// stack (the handler loaded, V8's optimising compiler done with the hot paths). The floor, on
// copies of the same consultations, follows (ingestion-floor.ts).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../functions/shared/config.js';
import { proposalKey, proposalPartition } from '../functions/shared/keys.js';
import { MAX_CONSULTEES } from '../functions/shared/model/proposal-terms.js';
import { queryAll } from '../functions/shared/store/query.js';
import { readPending } from '../local/smtp-journal.js';
import { runIngestionFloor } from './ingestion-floor.js';
// The same drivers as the lifecycle benchmark's: a proposal opened over the API, its letters, replies.
import * as drive from './support/drive.js';
import { profiled } from './support/profile.js';
import { type BenchOptions, type BenchResult, check, seconds } from './support/result.js';
import type { WatchedMail } from './support/stack.js';
import { startBenchStack, watcherDynamo } from './support/stack.js';
import { threadCpu, threadCpuSince } from './support/threads.js';

const GOAL = 150;
/** Mail servers delivering to us at once. */
const SMTP_CONNECTIONS = 8;
const POLL_MS = 100;

export async function benchIngestion({ quick }: BenchOptions): Promise<BenchResult> {
  const proposals = quick ? 2 : 4;
  const repliesEach = quick ? 25 : 250;
  const total = proposals * repliesEach;
  const duplicates = quick ? 4 : 20;
  /** Replies taken before the measured ones (quick: a few, enough to load the handler). */
  const warmReplies = quick ? 3 : MAX_CONSULTEES - 1;
  const b = await startBenchStack('ingestion');
  const sender = new drive.SmtpSender(b, SMTP_CONNECTIONS);
  const dynamo = watcherDynamo();
  try {
    // Untimed set-up: open the consultations and wait for every letter.
    const opened: (drive.Opened & { letters: WatchedMail[] })[] = [];
    for (let p = 0; p < proposals; p++) {
      const input = drive.benchProposal({
        consultees: repliesEach + 1,
        tag: `in${p}`,
        deadlineSeconds: 3600,
      });
      const o = await drive.openProposal(b, input);
      opened.push({ ...o, letters: await drive.consultationMails(b, o.reference, repliesEach + 1) });
    }
    // Untimed warm-up: replies to a proposal of their own (as many as one proposal may consult)
    // load the inbound handler and its parsers and let V8 compile the hot paths, as on a stack that
    // has been taking mail for a while. perf showed the optimising compiler's threads at 1.8 ms of
    // CPU a reply over the first measured seconds, decaying as they went (issue 17).
    const warm = await drive.openProposal(
      b,
      drive.benchProposal({ consultees: warmReplies + 1, tag: 'warm', deadlineSeconds: 3600 }),
    );
    const warmLetters = (await drive.consultationMails(b, warm.reference, warmReplies + 1)).slice(
      0,
      warmReplies,
    );
    if (warmLetters.length < warmReplies) throw new Error('the warm-up proposal mailed too few');
    await Promise.all(
      warmLetters.map(async (letter, i) =>
        sender.send(
          letter.to,
          letter.mail.replyTo?.[0] ?? '',
          await drive.rawMessage(drive.replyMessage(letter, i, `<ingest.warm.${i}@consultee.example>`)),
        ),
      ),
    );
    const warmDone = performance.now() + 60_000;
    while ((await countedResponses(dynamo, warm.proposalId)) < warmReplies && performance.now() < warmDone) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Interleave the proposals, as replies to several consultations arrive mixed; the last
    // consultee of each stays silent.
    const replies: { letter: WatchedMail; raw: Buffer }[] = [];
    for (let i = 0; i < repliesEach; i++) {
      for (const o of opened) {
        const letter = o.letters[i] as WatchedMail;
        replies.push({
          letter,
          raw: await drive.rawMessage(
            drive.replyMessage(letter, i, `<ingest.${o.reference}.${i}@consultee.example>`),
          ),
        });
      }
    }
    const resent = replies.filter((_, i) => i % Math.floor(total / duplicates) === 0).slice(0, duplicates);

    b.requests.reset();
    const cpuBefore = process.cpuUsage();
    const threadsBefore = threadCpu();
    const start = performance.now();
    const sending = Promise.all(
      [...replies, ...resent].map(({ letter, raw }) =>
        sender.send(letter.to, letter.mail.replyTo?.[0] ?? '', raw),
      ),
    );
    // The proposals' counts, which move only after the consultee item: a cheap read that stays off
    // the stack's CPU (four Queries of every consultee ten times a second would not). The checks
    // below then read every consultee.
    const respondedCount = async () => {
      let n = 0;
      for (const o of opened) n += await countedResponses(dynamo, o.proposalId);
      return n;
    };
    let responded = 0;
    const deadline = start + (quick ? 60_000 : 240_000);
    let sentAt = Number.NaN;
    void sending.then(() => {
      sentAt = performance.now();
    });
    await profiled('ingestion-system', async () => {
      while (responded < total && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        responded = await respondedCount();
      }
    });
    const elapsed = performance.now() - start;
    // Every thread of this process (the stack, its emulators, the sending and the polling): what the
    // replies cost the machine, whatever else ran beside them.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerReply = (cpu.user + cpu.system) / 1000 / total;
    // The same by thread (Linux): where the machine's time went, for the README's breakdown.
    const threadsPerReply = threadCpuSince(threadsBefore, total);
    await sending;
    // The system's requests in the measured window, before the checks' own reads.
    const requests = b.requests.snapshot();
    const queries = requests['dynamodb:Query'] ?? 0;
    const queryBytes = b.requests.bytesOut('dynamodb:Query');
    const dynamoCalls = b.requests.total('dynamodb:');
    const rate = (responded / elapsed) * 1000;

    const checks = await ingestionChecks(b, opened, repliesEach, duplicates);
    // The floor, on copies of the same consultations with the same replies (ingestion-floor.ts).
    const floor = await profiled('ingestion-floor', () =>
      runIngestionFloor(
        b,
        opened.map((o) => o.proposalId),
        opened.map((_, p) => replies.filter((_r, i) => i % opened.length === p).map((r) => r.raw)),
        SMTP_CONNECTIONS,
      ),
    );
    checks.unshift(
      check('every reply reflected in DynamoDB in time', responded === total, `${responded} of ${total}`),
    );
    return {
      name: 'reply ingestion',
      figure: rate,
      unit: 'replies/s',
      goal: `>= ${GOAL}/s`,
      pass: responded === total && rate >= GOAL,
      detail:
        `${total} replies to ${proposals} consultations of ${repliesEach + 1} (+${duplicates} duplicate deliveries) ` +
        `over ${SMTP_CONNECTIONS} SMTP connections: all counted in ${seconds(elapsed)}; SMTP accepted the last ` +
        `after ${seconds(sentAt - start)}; per reply ${(dynamoCalls / total).toFixed(1)} DynamoDB calls, ` +
        `${(queries / total).toFixed(1)} Queries returning ${(queryBytes / total / 1024).toFixed(0)} KiB; ` +
        `${cpuPerReply.toFixed(1)} ms of CPU per reply (all threads${byThread(threadsPerReply)}); ` +
        `the floor (the same replies over SMTP to a bare server that keeps each in S3 and issues the ` +
        `handler's unavoidable calls directly: S3 get, token and proposal reads, one transaction, the ` +
        `count) ${floor.rate.toFixed(1)} replies/s, ${floor.cpuPerReply.toFixed(1)} ms of CPU per reply` +
        `${byThread(floor.threadsPerReply)}: the system at ${(floor.rate / rate).toFixed(2)}x its floor's time`,
      checks,
      data: {
        elapsed,
        sentAfter: sentAt - start,
        queryBytes,
        cpuPerReply,
        threadsPerReply,
        floor,
        requests,
      },
    };
  } finally {
    sender.close();
    await b.close();
  }
}

/** `: main 5.1, DynamoDB 3.2, ...` in milliseconds, or nothing where threads cannot be told apart. */
const byThread = (perReply: Record<string, number>): string => {
  const parts = Object.entries(perReply)
    .sort((a, b) => b[1] - a[1])
    .map(([thread, ms]) => `${thread} ${ms.toFixed(1)}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
};

interface ItemView {
  SK: string;
  status?: string;
  stance?: string | null;
  type?: string;
  event?: string;
}

/** The items of a consultation's partition under `prefix`, through the store's paged Query. */
async function partition(proposalId: string, prefix: string): Promise<ItemView[]> {
  return (await queryAll({
    TableName: DEFAULTS.tableName,
    KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
    ExpressionAttributeValues: { ':pk': proposalPartition(proposalId), ':prefix': prefix },
    ExpressionAttributeNames: { '#s': 'status', '#e': 'event' },
    ProjectionExpression: 'SK, #s, stance, #e',
    ConsistentRead: true,
  })) as unknown as ItemView[];
}

async function countedResponses(dynamo: DynamoDBDocumentClient, proposalId: string): Promise<number> {
  const out = await dynamo.send(
    new GetCommand({
      TableName: DEFAULTS.tableName,
      Key: proposalKey(proposalId),
      ProjectionExpression: '#c.#responded',
      ExpressionAttributeNames: { '#c': 'consultation', '#responded': 'responded' },
      ConsistentRead: true,
    }),
  );
  return Number(out.Item?.consultation?.responded ?? 0);
}

const consultees = (proposalId: string) => partition(proposalId, 'CONSULTEE#');

interface Detail {
  status: string;
  consultation: { responded: number; tally: Record<string, number> };
}

async function ingestionChecks(
  b: Awaited<ReturnType<typeof startBenchStack>>,
  opened: drive.Opened[],
  repliesEach: number,
  duplicates: number,
) {
  // Duplicates may still be in flight when the last original was counted: let them land.
  const smtpDir = join(b.config.dataDir, 'smtp');
  const settle = performance.now() + 10_000;
  while (readPending(smtpDir).length > 0 && performance.now() < settle) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const failed = readdirSync(join(smtpDir, 'failed')).length;
  const pending = readPending(smtpDir).length;
  let storedReplies = 0;
  let receivedEvents = 0;
  const summaries: string[] = [];
  let summariesRight = true;
  let stillOpen = true;
  for (const o of opened) {
    storedReplies += (await partition(o.proposalId, 'REPLY#')).length;
    receivedEvents += (await partition(o.proposalId, 'EVENT#')).filter(
      (e) => e.event === 'reply-received',
    ).length;
    const people = await consultees(o.proposalId);
    const responded = people.filter((c) => c.status === 'responded').length;
    const detail = (await b.api<Detail>('manager', 'GET', `/proposals/${o.proposalId}`)).body;
    const tallied = Object.values(detail.consultation.tally).reduce((a, n) => a + n, 0);
    summaries.push(`${detail.consultation.responded}/${tallied}/${responded}`);
    if (detail.consultation.responded !== repliesEach || tallied !== repliesEach || responded !== repliesEach)
      summariesRight = false;
    if (detail.status !== 'consulting') stillOpen = false;
  }
  const total = opened.length * repliesEach;
  return [
    check(
      'none lost, none twice: one stored reply and one timeline entry per message, duplicates included',
      storedReplies === total && receivedEvents === total,
      `${storedReplies} replies stored, ${receivedEvents} reply events, for ${total} messages + ${duplicates} duplicate deliveries`,
    ),
    check(
      "each proposal's summary counts exactly its responded consultees (responded/tally/consultees)",
      summariesRight,
      summaries.join(', '),
    ),
    check('no consultation closed early (one consultee of each is silent)', stillOpen),
    check(
      'no inbound mail failed or left pending',
      failed === 0 && pending === 0,
      `${failed} failed, ${pending} pending`,
    ),
  ];
}
