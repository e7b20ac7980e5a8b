// Fan-out: one proposal with 500 consultees (quick: 50), from POST /proposals to the moment SES
// has accepted the last consultation letter, against the floor: the same number of SendEmail
// calls with the same letter, issued directly with the SDK at the concurrency SendConsultation
// uses (MAIL_CONCURRENCY). The floor runs before and after the system run; its mean is used.

import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { type SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { BatchWriteCommand, type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { claimInput } from '../functions/consultation/claims.js';
import { MAIL_CONCURRENCY } from '../functions/consultation/send.js';
import { mapBounded } from '../functions/shared/bounded.js';
import { DEFAULTS } from '../functions/shared/config.js';
import { consulteeKey, replyTokenKey } from '../functions/shared/keys.js';
import { pendingConsultee } from '../functions/shared/store/proposals.js';
import { type FloorClients, floorClients } from './floor-clients.js';
import { benchProposal, consultationMails, openProposal } from './support/drive.js';
import { profiled } from './support/profile.js';
import { atMost, type BenchOptions, type BenchResult, check, ratio, seconds } from './support/result.js';
import { startBenchStack } from './support/stack.js';

const GOAL = 2;

export async function benchFanOut({ quick }: BenchOptions): Promise<BenchResult> {
  const consultees = quick ? 50 : 500;
  const b = await startBenchStack('fanout');
  try {
    // Untimed: loads the handlers and gives the floor a real letter to send.
    const warm = await openProposal(b, benchProposal({ consultees: 2, tag: 'warm', deadlineSeconds: 3600 }));
    const [sample] = await consultationMails(b, warm.reference, 2);
    if (!sample) throw new Error('the warm-up proposal mailed nobody');
    // Configured as the handlers' SES client is (functions/shared/clients/ses.ts).
    const ses = floorClients().ses;
    const cpuBefore = process.threadCpuUsage();
    const floorBefore = await floor(ses, sample.mail, consultees);
    const floorCpuBefore = cpuMs(cpuBefore);

    const input = benchProposal({ consultees, tag: 'fan', deadlineSeconds: 3600 });
    b.requests.reset();
    const start = performance.now();
    const systemCpuStart = process.threadCpuUsage();
    const opened = await profiled('fanout-system', async () => {
      const o = await openProposal(b, input);
      await consultationMails(b, o.reference, consultees);
      return o;
    });
    // Exact: when the last SendEmail response left the SES emulator (only this proposal mails now).
    const system = b.requests.lastFinishedAt('ses:SendEmail') - start;
    const requests = b.requests.snapshot();
    const systemCpu = cpuMs(systemCpuStart);
    // Where the time goes: before the first letter (POST /proposals, scoring, the workflow, the
    // task's start) and the letters themselves (within one 5 ms poll of SES accepting the first).
    const firstLetter = Math.min(...b.mail.consultation(opened.reference).map((m) => m.seenAt)) - start;
    // Untimed: the run's last writes (the copies confirmed, the recount) land after the last letter.
    for (let tries = 0; tries < 100; tries += 1) {
      const d = await b.api<{ consultation: { mailed: number } }>(
        'manager',
        'GET',
        `/proposals/${opened.proposalId}`,
      );
      if (d.body.consultation?.mailed === consultees) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const evidenceWrites = b.requests.snapshot()['s3:PutObject'] ?? 0;
    // Profiled too (DPIA_BENCH_PROFILE): the system's profile less this one is what it adds.
    const cpuAfter = process.threadCpuUsage();
    const floorAfter = await profiled('fanout-floor', () => floor(ses, sample.mail, consultees));
    const floorCpu = (floorCpuBefore + cpuMs(cpuAfter)) / 2;
    const floorMs = (floorBefore + floorAfter) / 2;
    // Not the floor, but where the difference goes: the same mails with the writes SendConsultation
    // makes (per 50: reply tokens 25 to a request, one transaction of conditional claims, the
    // evidence copies before and after sending; the mailed marks in transactions of up to 8),
    // issued directly.
    const withWrites = await floor(ses, sample.mail, consultees, floorClients());
    const overhead = system / floorMs;

    // Let a late duplicate show up, should there be one, before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const all = b.mail.consultation(opened.reference);
    const perRecipient = new Map<string, number>();
    for (const m of all) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    const twice = [...perRecipient.values()].filter((n) => n > 1).length;
    const expected = new Set(input.consultees.map((c) => c.email.toLowerCase()));
    const missing = [...expected].filter((e) => !perRecipient.has(e)).length;
    const detail = (
      await b.api<{ consultation: { mailed: number } }>('manager', 'GET', `/proposals/${opened.proposalId}`)
    ).body;
    return {
      name: 'fan-out',
      ...atMost(overhead, GOAL, 'x'),
      unit: 'x floor',
      detail:
        `${consultees} consultees: POST to last letter accepted ${seconds(system)} ` +
        `(first letter after ${seconds(firstLetter)}) ` +
        `(${(consultees / (system / 1000)).toFixed(0)} mails/s), ${consultees} direct SendEmail at ` +
        `concurrency ${MAIL_CONCURRENCY} ${seconds(floorMs)} (${seconds(floorBefore)} before, ${seconds(floorAfter)} after); ` +
        `the evidence copies cost ${evidenceWrites} S3 writes for ${consultees} letters (written before they go); the same mails with SendConsultation's writes (per 50 mails: tokens 25 to a request, one transaction of claims, one object of evidence copies written before they go and again after; mailed marks in transactions of up to ${MAIL_CONCURRENCY}) issued directly ${seconds(withWrites)}; main-thread CPU system ${seconds(systemCpu)} (POST to the last letter), floor ${seconds(floorCpu)}`,
      checks: [
        check(
          'every consultee mailed exactly once',
          all.length === consultees && twice === 0 && missing === 0,
          `${all.length} letters, ${twice} recipients mailed twice, ${missing} not mailed`,
        ),
        check(
          'the proposal counts every consultee as mailed',
          detail.consultation?.mailed === consultees,
          `mailed ${detail.consultation?.mailed}`,
        ),
      ],
      data: {
        system,
        firstLetter,
        floorBefore,
        floorAfter,
        withWrites,
        mainThreadCpu: { system: systemCpu, floor: floorCpu },
        requests,
        ratio: ratio(overhead),
      },
    };
  } finally {
    await b.close();
  }
}

/** Main-thread CPU (ms) since `start`. */
function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.threadCpuUsage(start);
  return (used.user + used.system) / 1000;
}

async function floor(ses: SESClient, letter: Email, count: number, writes?: FloorClients): Promise<number> {
  const dynamo = writes?.dynamo;
  const recipients = Array.from({ length: count }, (_, i) => `floor${i}@parish.example`);
  const id = randomUUID();
  if (dynamo) await storeConsultees(dynamo, id, recipients);
  const start = performance.now();
  // As SendConsultation, without its pipelining: per batch of 50 the reply tokens (25 to a
  // request) beside one transaction of conditional claims, the batch's evidence copies in one
  // object before any letter goes, the letters with their mailed marks in transactions of up to 8
  // behind them, and the object again with SES's ids.
  const storeTokens = (batch: string[]) =>
    mapBounded(
      Array.from({ length: Math.ceil(batch.length / 25) }, (_, i) => batch.slice(i * 25, i * 25 + 25)),
      2,
      (part) =>
        (dynamo as DynamoDBDocumentClient).send(
          new BatchWriteCommand({
            RequestItems: {
              [DEFAULTS.tableName]: part.map((to) => ({
                PutRequest: {
                  Item: { ...replyTokenKey(`${id}${to}`), type: 'reply-token', proposalId: id, email: to },
                },
              })),
            },
          }),
        ),
    );
  const keep = (c: FloorClients, key: string, batch: unknown[]) =>
    c.s3.send(
      new PutObjectCommand({
        Bucket: DEFAULTS.evidenceBucket,
        Key: key,
        Body: JSON.stringify(batch),
        ContentType: 'application/json',
      }),
    );
  const send = (to: string) =>
    ses.send(
      new SendEmailCommand({
        Source: letter.from,
        Destination: { ToAddresses: [to] },
        ReplyToAddresses: letter.replyTo,
        Message: {
          Subject: { Data: letter.subject, Charset: 'UTF-8' },
          Body: {
            Text: { Data: letter.body.text ?? '', Charset: 'UTF-8' },
            Html: { Data: letter.body.html ?? '', Charset: 'UTF-8' },
          },
        },
      }),
    );
  if (!writes || !dynamo) {
    await mapBounded(recipients, MAIL_CONCURRENCY, send);
    return performance.now() - start;
  }
  const copyOf = (to: string, messageId: string) => ({
    to,
    messageId,
    subject: letter.subject,
    text: letter.body.text,
    html: letter.body.html,
  });
  let marking: Promise<unknown> = Promise.resolve();
  let unmarked: { to: string; messageId: string; key: string }[] = [];
  const markGroup = () => {
    const group = unmarked;
    unmarked = [];
    marking = marking.then(() =>
      dynamo.send(
        new TransactWriteCommand({
          TransactItems: group.map(({ to, messageId, key }) => ({
            Update: {
              TableName: DEFAULTS.tableName,
              Key: consulteeKey(id, to),
              UpdateExpression:
                'SET #marker = :sent, #status = :mailed, #mailedAt = :now, #messageId = :id, #copyKey = :key',
              ConditionExpression: '#marker = :sending AND #status = :pending',
              ExpressionAttributeNames: {
                '#marker': 'mailMarker',
                '#status': 'status',
                '#mailedAt': 'mailedAt',
                '#messageId': 'messageId',
                '#copyKey': 'copyKey',
              },
              ExpressionAttributeValues: {
                ':sent': 'sent',
                ':sending': 'sending',
                ':mailed': 'mailed',
                ':pending': 'pending',
                ':now': new Date().toISOString(),
                ':id': messageId,
                ':key': key,
              },
            },
          })),
        }),
      ),
    );
  };
  for (let i = 0; i < recipients.length; i += 50) {
    const batch = recipients.slice(i, i + 50);
    const now = Date.now();
    await Promise.all([
      storeTokens(batch),
      dynamo.send(
        new TransactWriteCommand({
          TransactItems: batch.map((to) => ({
            Update: claimInput(id, to, now, now - 120_000),
          })),
        }),
      ),
    ]);
    const key = `evidence/floor-${id}/mail/${new Date().toISOString()}-${randomUUID()}.json`;
    const copies = batch.map((to) => copyOf(to, ''));
    await keep(writes, key, copies);
    await mapBounded(batch, MAIL_CONCURRENCY, async (to) => {
      const sent = await send(to);
      copies[batch.indexOf(to)] = copyOf(to, sent.MessageId ?? '');
      unmarked.push({ to, messageId: sent.MessageId ?? '', key });
      if (unmarked.length >= MAIL_CONCURRENCY) markGroup();
    });
    await keep(writes, key, copies);
  }
  if (unmarked.length > 0) markGroup();
  await marking;
  return performance.now() - start;
}

/** Untimed: the consultee items SendConsultation finds already stored by POST /proposals. */
async function storeConsultees(dynamo: DynamoDBDocumentClient, id: string, emails: string[]) {
  for (let i = 0; i < emails.length; i += 25) {
    await dynamo.send(
      new BatchWriteCommand({
        RequestItems: {
          [DEFAULTS.tableName]: emails.slice(i, i + 25).map((email) => ({
            PutRequest: {
              Item: {
                ...consulteeKey(id, email),
                type: 'consultee',
                ...pendingConsultee({ name: 'Cllr Floor Consultee', email, organisation: 'Parish Council' }),
              },
            },
          })),
        },
      }),
    );
  }
}
