// Lifecycle overhead: N proposals x 10 consultees through the whole lifecycle on the local stack
// (opened over the HTTP API, every consultee replying over SMTP, approved through the review
// link, the decision chained, the outcome mailed), against the floor: the same DynamoDB, SES and
// S3 calls issued directly (lifecycle-floor.ts). One untimed proposal first loads the handlers,
// warms the JIT and provides the floor's item and mail samples; the floor runs before and after
// the system run and its mean is used, so drift on this shared machine is split evenly.
import { performance } from 'node:perf_hooks';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULTS } from '../functions/shared/config.js';
import { proposalPartition, registerEntryKey, reviewKey } from '../functions/shared/keys.js';
import { type FloorSamples, floorClients } from './floor-clients.js';
import { runFloor } from './lifecycle-floor.js';
import {
  approve,
  benchProposal,
  consultationMails,
  type Opened,
  openProposal,
  rawMessage,
  replyMessage,
  SmtpSender,
} from './support/drive.js';
import { profiled } from './support/profile.js';
import {
  atMost,
  type BenchCheck,
  type BenchOptions,
  type BenchResult,
  check,
  median,
  seconds,
} from './support/result.js';
import { type BenchStack, startBenchStack } from './support/stack.js';

const CONSULTEES = 10;
/** SMTP connections the consultees' mail servers hold open at once (and reply pipelines in the floor). */
const SMTP_CONNECTIONS = 16;
const GOAL = 1.2;

interface Driven extends Opened {
  approver: string;
  raw: Buffer;
  phases: { open: number; mailed: number; linked: number; done: number };
}

export async function benchLifecycle({ quick }: BenchOptions): Promise<BenchResult> {
  const count = quick ? 2 : 20;
  const rounds = quick ? 1 : 2;
  const b = await startBenchStack('lifecycle');
  const sender = new SmtpSender(b, SMTP_CONNECTIONS);
  try {
    const [warm] = await runSystem(b, sender, 1, 'warm');
    if (!warm) throw new Error('the warm-up proposal did not run');
    const clients = floorClients();
    const samples = await collectSamples(b, clients, warm);

    // The floor's code gets the same warm-up as the system's.
    await runFloor(clients, samples, 1, SMTP_CONNECTIONS);
    // floor, system, floor[, system, floor]: medians of each, so drift on this shared machine
    // falls on both sides.
    const floors: number[] = [];
    const systems: number[] = [];
    /** Main-thread CPU of each run (ms): the thread both are bound by, steadier than the wall clock on a shared machine. */
    const cpu = { floors: [] as number[], systems: [] as number[] };
    const timed = async (into: 'floors' | 'systems', work: () => Promise<unknown>) => {
      const start = performance.now();
      const before = process.threadCpuUsage();
      await work();
      const used = process.threadCpuUsage(before);
      cpu[into].push((used.user + used.system) / 1000);
      return performance.now() - start;
    };
    b.requests.reset();
    floors.push(await timed('floors', () => runFloor(clients, samples, count, SMTP_CONNECTIONS)));
    const floorCalls = perProposal(b, count);
    const floorOps = b.requests.snapshot();
    const driven: Driven[] = [];
    let systemCalls: CallMix | undefined;
    let systemOps: Record<string, number> = {};
    for (let round = 0; round < rounds; round++) {
      b.requests.reset();
      systems.push(
        await timed('systems', async () => {
          const run = await profiled(`lifecycle-system-${round}`, () =>
            runSystem(b, sender, count, `run${round}`),
          );
          driven.push(...run);
        }),
      );
      systemCalls ??= perProposal(b, count);
      if (round === 0) systemOps = b.requests.snapshot();
      floors.push(
        await timed('floors', () =>
          profiled(`lifecycle-floor-${round}`, () => runFloor(clients, samples, count, SMTP_CONNECTIONS)),
        ),
      );
    }
    if (!systemCalls) throw new Error('no system round ran');
    const system = median(systems);
    const floor = median(floors);
    const overhead = system / floor;

    const checks = await lifecycleChecks(b, driven, count * rounds + 1);
    const drift = Math.abs(floorCalls.dynamodb - systemCalls.dynamodb) / systemCalls.dynamodb;
    // The system's count moves with the load (a reply that takes the step-by-step path, a task
    // retried after a timeout: a few calls more each). Over the quick run's 2 proposals a handful
    // of those is 5% of the average; over 20, a tenth of that.
    const allowed = quick ? 0.15 : 0.05;
    checks.push(
      check(
        `the floor issues the call mix the system was seen to issue (DynamoDB within ${allowed * 100}%, SES and S3 equal)`,
        drift <= allowed && floorCalls.ses === systemCalls.ses && floorCalls.s3 === systemCalls.s3,
        `per proposal: system ${describeCalls(systemCalls)}; floor ${describeCalls(floorCalls)}`,
      ),
    );
    const phase = (name: keyof Driven['phases']) => median(driven.map((d) => d.phases[name]));
    return {
      name: 'lifecycle overhead',
      ...atMost(overhead, GOAL, 'x'),
      unit: 'x floor',
      detail:
        `${count} proposals x ${CONSULTEES} consultees (median of ${systems.length} run${systems.length === 1 ? '' : 's'}): system ` +
        `${seconds(system)} (${systems.map(seconds).join(', ')}), floor ${seconds(floor)} ` +
        `(${floors.map(seconds).join(', ')}); per proposal (median) open ` +
        `${phase('open').toFixed(0)} ms, letters ${phase('mailed').toFixed(0)} ms, replies to review link ` +
        `${phase('linked').toFixed(0)} ms, approval to done ${phase('done').toFixed(0)} ms; calls per proposal: ` +
        `system ${describeCalls(systemCalls)}, floor ${describeCalls(floorCalls)}; main-thread CPU (median) ` +
        `system ${seconds(median(cpu.systems))}, floor ${seconds(median(cpu.floors))} (${(median(cpu.systems) / median(cpu.floors)).toFixed(2)}x)`,
      checks,
      data: {
        systems,
        floors,
        mainThreadCpu: cpu,
        proposals: count,
        requests: { system: systemOps, floor: floorOps },
      },
    };
  } finally {
    sender.close();
    await b.close();
  }
}

/** All `count` proposals at once, each driven by its users as soon as it is ready for them. */
export async function runSystem(b: BenchStack, sender: SmtpSender, count: number, tag: string) {
  return Promise.all(Array.from({ length: count }, (_, i) => driveOne(b, sender, `${tag}${i}`)));
}

async function driveOne(b: BenchStack, sender: SmtpSender, tag: string): Promise<Driven> {
  const t0 = performance.now();
  const input = benchProposal({ consultees: CONSULTEES, tag, deadlineSeconds: 3600 });
  const opened = await openProposal(b, input);
  const t1 = performance.now();
  const letters = await consultationMails(b, opened.reference, CONSULTEES);
  const t2 = performance.now();
  const raws = await Promise.all(
    letters.map(async (letter, n) => {
      const raw = await rawMessage(replyMessage(letter, n, `<${tag}.${n}.${Date.now()}@consultee.example>`));
      await sender.send(letter.to, letter.mail.replyTo?.[0] ?? '', raw);
      return raw;
    }),
  );
  await b.mail.waitFor(`the review link of ${opened.reference}`, () =>
    b.mail.reviewLink(opened.reference, input.approver.email),
  );
  const t3 = performance.now();
  await approve(b, opened, input.approver.email);
  const t4 = await b.executions.waitFor(opened.proposalId);
  return {
    ...opened,
    approver: input.approver.email,
    raw: raws[0] as Buffer,
    phases: { open: t1 - t0, mailed: t2 - t1, linked: t3 - t2, done: t4 - t3 },
  };
}

export async function collectSamples(
  b: BenchStack,
  clients: ReturnType<typeof floorClients>,
  warm: Driven,
): Promise<FloorSamples> {
  const out = await clients.dynamo.send(
    new QueryCommand({
      TableName: DEFAULTS.tableName,
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': proposalPartition(warm.proposalId) },
    }),
  );
  const items = (out.Items ?? []) as Record<string, unknown>[];
  const sk = (item: Record<string, unknown>) => String(item.SK);
  const proposal = items.find((i) => sk(i) === 'META');
  const reply = items.find((i) => sk(i).startsWith('REPLY#'));
  const review = proposal
    ? (
        await clients.dynamo.send(
          new GetCommand({ TableName: DEFAULTS.tableName, Key: reviewKey(String(proposal.reviewId)) }),
        )
      ).Item
    : undefined;
  const decision = (
    await clients.dynamo.send(
      new QueryCommand({
        TableName: DEFAULTS.tableName,
        IndexName: 'GSI3',
        KeyConditionExpression: 'GSI3PK = :pk AND GSI3SK = :sk',
        ExpressionAttributeValues: { ':pk': proposalPartition(warm.proposalId), ':sk': 'DECISION' },
      }),
    )
  ).Items?.[0];
  const register = (
    await clients.dynamo.send(
      new GetCommand({ TableName: DEFAULTS.tableName, Key: registerEntryKey(warm.reference) }),
    )
  ).Item;
  const mails = b.mail.ofReference(warm.reference);
  const letter = b.mail.consultation(warm.reference)[0]?.mail;
  const reviewRequest = mails.find((m) => m.to === warm.approver)?.mail;
  const outcome = mails.find(
    (m) => m.to !== warm.approver && !(m.mail.replyTo?.[0] ?? '').startsWith('consult+'),
  )?.mail;
  if (!proposal || !reply || !review || !decision || !register || !letter || !reviewRequest || !outcome) {
    throw new Error('the warm-up proposal did not leave every item and mail the floor copies');
  }
  return {
    proposal,
    consultees: items.filter((i) => sk(i).startsWith('CONSULTEE#')),
    reply,
    review,
    decision,
    register,
    letter,
    reviewRequest,
    outcome,
    raw: warm.raw,
  };
}

interface CallMix {
  dynamodb: number;
  ses: number;
  s3: number;
  sfn: number;
}

function perProposal(b: BenchStack, count: number): CallMix {
  const per = (prefix: string) => b.requests.total(prefix) / count;
  return { dynamodb: per('dynamodb:'), ses: per('ses:SendEmail'), s3: per('s3:'), sfn: per('sfn:') };
}

const describeCalls = (c: CallMix) =>
  `${c.dynamodb.toFixed(1)} DynamoDB/${c.ses.toFixed(1)} SES/${c.s3.toFixed(1)} S3/${c.sfn.toFixed(1)} SFN`;

interface Detail {
  status: string;
  consultation: { mailed: number; responded: number; tally: Record<string, number> };
  decision: { outcome: string; hash: string } | null;
}

async function lifecycleChecks(b: BenchStack, driven: Driven[], chainLength: number): Promise<BenchCheck[]> {
  const details = await Promise.all(
    driven.map(async (d) => (await b.api<Detail>('manager', 'GET', `/proposals/${d.proposalId}`)).body),
  );
  const wrong = details.filter(
    (d) =>
      d.status !== 'approved' ||
      d.decision?.outcome !== 'approved' ||
      d.consultation.mailed !== CONSULTEES ||
      d.consultation.responded !== CONSULTEES ||
      Object.values(d.consultation.tally).reduce((a, n) => a + n, 0) !== CONSULTEES,
  );
  const letters = driven.map((d) => b.mail.consultation(d.reference));
  const mailedTwice = letters.filter(
    (l) => new Set(l.map((m) => m.to)).size !== l.length || l.length !== CONSULTEES,
  );
  const outcomes = driven.map(
    (d) =>
      b.mail
        .ofReference(d.reference)
        .filter((m) => m.to !== d.approver && !(m.mail.replyTo?.[0] ?? '').startsWith('consult+')).length,
  );
  const verify = await b.api<{ ok: boolean; checked: number }>('auditor', 'GET', '/audit/verify');
  return [
    check(
      'every proposal approved with a decision, 10 mailed and 10 counted',
      wrong.length === 0,
      wrong.length ? `${wrong.length} wrong, e.g. ${JSON.stringify(wrong[0]).slice(0, 300)}` : undefined,
    ),
    check(
      'every consultee got exactly one consultation letter',
      mailedTwice.length === 0,
      mailedTwice.length ? `${mailedTwice.length} proposals with missing or repeated letters` : undefined,
    ),
    check(
      'every consultee who replied got one outcome mail',
      outcomes.every((n) => n === CONSULTEES),
      `${outcomes.filter((n) => n === CONSULTEES).length} of ${outcomes.length} proposals mailed ${CONSULTEES} outcomes` +
        (outcomes.some((n) => n !== CONSULTEES) ? `: ${outcomes.join(',')}` : ''),
    ),
    check(
      'the decision chain verifies with one record per proposal',
      verify.body.ok === true && verify.body.checked === chainLength,
      JSON.stringify(verify.body),
    ),
  ];
}
