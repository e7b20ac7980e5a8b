// Auditor queries: GET /decisions?limit=50 latency with 1,000 and with 100,000 decision records in
// the table (quick: 200 and 2,000), loaded directly with BatchWriteItem in parallel batches, not
// through the workflow. Records look real and carry every index key; their hashes are not a valid
// chain (nothing here verifies it). A Query on the by-date index reads 50 items whatever the table
// holds, so the p50 ratio should stay near 1; a Scan would grow with the table.
// The same two tables give GET /app/dashboard (auditor, web session): 36 months of counter items
// seeded beside the decisions (as the counters would have left them), and the decisions' review
// dates, which are all past, in the review-due index. The page reads the counters and one capped
// count of that index, never the decisions, so its p50 should stay near 1 as well.
import { createHash, randomUUID } from 'node:crypto';
import { decisionIdFor, decisionIndexKeys, decisionKey } from '../functions/shared/keys.js';
import { OVERDUE_COUNT_CAP } from '../functions/stats/figures.js';
import { recentMonths } from '../functions/stats/months.js';
import { serviceUrl } from '../local/config.js';
import { monthItem, seedMonths } from '../test/support/dashboard.js';
import { rowOf, text, webSession } from '../test/support/web.js';
import { floorClients } from './floor-clients.js';
import { atMost, type BenchOptions, type BenchResult, check, seconds } from './support/result.js';
import { LOAD_CONCURRENCY, loadItems, sampleLatency, scaleSizes } from './support/scale.js';
import { startBenchStack } from './support/stack.js';

const GOAL = 1.2;

export async function benchQueries({ quick }: BenchOptions): Promise<BenchResult[]> {
  const { small, large, requests } = scaleSizes(quick);
  const b = await startBenchStack('queries');
  const dynamo = floorClients().dynamo;
  try {
    const auditor = await webSession(serviceUrl(b.config, 'api'), 'auditor', 'auditor@police.example');
    const months = recentMonths(new Date(), 36);
    const loadSmall = await loadItems(dynamo, 1, small, decision);
    await seedMonths(dynamo, months, small / 36 / 2);
    const atSmall = await measure(b, requests, small);
    const boardSmall = await measureDashboard(b, auditor, requests, small);
    const loadLarge = await loadItems(dynamo, small + 1, large, decision);
    await seedMonths(dynamo, months, large / 36 / 2);
    const atLarge = await measure(b, requests, large);
    const boardLarge = await measureDashboard(b, auditor, requests, large);
    const p50Ratio = atLarge.p50 / atSmall.p50;
    const boardRatio = boardLarge.p50 / boardSmall.p50;
    const itemsPerSecond = ((large - small) / loadLarge) * 1000;
    const dashboard: BenchResult = {
      name: 'auditor dashboard',
      ...atMost(boardRatio, GOAL),
      unit: `p50 ${large / 1000}k/${small / 1000}k`,
      detail:
        `GET /app/dashboard (12 months), ${requests} requests each: ${small} decisions p50 ` +
        `${boardSmall.p50.toFixed(1)} ms p95 ${boardSmall.p95.toFixed(1)} ms; ${large} decisions p50 ` +
        `${boardLarge.p50.toFixed(1)} ms p95 ${boardLarge.p95.toFixed(1)} ms (goal p50 < 200 ms at ${large})`,
      checks: [
        check(
          'the dashboard shows the seeded counters and the overdue reviews, capped, at both sizes',
          boardSmall.correct && boardLarge.correct,
          `${small}: ${boardSmall.problem ?? 'ok'}; ${large}: ${boardLarge.problem ?? 'ok'}`,
        ),
        check(
          `the dashboard answers within 200 ms at p50 with ${large} decisions`,
          quick || boardLarge.p50 < 200,
          `${boardLarge.p50.toFixed(1)} ms`,
        ),
      ],
      data: { small, large, boardSmall, boardLarge },
    };
    return [
      {
        name: 'auditor queries',
        ...atMost(p50Ratio, GOAL),
        unit: `p50 ${large / 1000}k/${small / 1000}k`,
        detail:
          `GET /decisions?limit=50, ${requests} requests each: ${small} records p50 ${atSmall.p50.toFixed(1)} ms ` +
          `p95 ${atSmall.p95.toFixed(1)} ms; ${large} records p50 ${atLarge.p50.toFixed(1)} ms p95 ` +
          `${atLarge.p95.toFixed(1)} ms; loading ${large} took ${seconds(loadSmall + loadLarge)} ` +
          `(${itemsPerSecond.toFixed(0)} items/s, BatchWriteItem x${LOAD_CONCURRENCY})`,
        checks: [
          check(
            'each answer is the newest 50 decisions, newest first, with a cursor to the next page',
            atSmall.correct && atLarge.correct,
            `${small}: ${atSmall.problem ?? 'ok'}; ${large}: ${atLarge.problem ?? 'ok'}`,
          ),
        ],
        data: { small, large, atSmall, atLarge, loadSmall, loadLarge },
      },
      dashboard,
    ];
  } finally {
    await b.close();
  }
}

const BASE = Date.parse('2020-01-01T00:00:00Z');
/** Decision `sequence` was decided `sequence` minutes after the base: a later one is newer. */
const decidedAt = (sequence: number) => new Date(BASE + sequence * 60_000).toISOString();

function decision(sequence: number) {
  const decisionId = decisionIdFor(sequence);
  const outcome = sequence % 5 === 0 ? 'rejected' : 'approved';
  const record = {
    decisionId,
    proposalId: randomUUID(),
    reference: `DPIA-${2020 + Math.floor(sequence / 10_000)}-${String(sequence % 10_000).padStart(4, '0')}`,
    outcome,
    rationale:
      'The pressing need is clear; the concerns raised in consultation are answered by the retention and access rules.',
    conditions: sequence % 3 === 0 ? 'Signage at both approaches before the camera goes live.' : null,
    decidedBy: 'b.example@police.example',
    decidedAt: decidedAt(sequence),
    reviewDate: outcome === 'approved' ? decidedAt(sequence + 525_600).slice(0, 10) : null,
    pressingNeed: { score: 65, band: 'clear', policyVersion: '2026.1' },
    consultation: {
      mailed: 12,
      responded: 9,
      late: 1,
      tally: { support: 5, concerns: 2, object: 1, unclassified: 1 },
    },
    sequence,
    prevHash: createHash('sha256')
      .update(String(sequence - 1))
      .digest('hex'),
    hash: createHash('sha256').update(String(sequence)).digest('hex'),
  };
  return { ...decisionKey(sequence), ...decisionIndexKeys(record), type: 'decision', ...record };
}

/** The newest page of decisions, one request at a time. */
function measure(b: Awaited<ReturnType<typeof startBenchStack>>, count: number, newest: number) {
  return sampleLatency(count, async (first) => {
    const answer = await b.api<{
      items: { sequence: number; decidedAt: string }[];
      nextCursor: string | null;
    }>('auditor', 'GET', '/decisions?limit=50');
    return first ? pageProblem(answer.status, answer.body, decidedAt(newest)) : undefined;
  });
}

function pageProblem(
  status: number,
  body: { items?: { decidedAt: string }[]; nextCursor?: string | null },
  newestAt: string,
): string | undefined {
  if (status !== 200) return `status ${status}`;
  const items = body.items ?? [];
  if (items.length !== 50) return `${items.length} items`;
  if (items[0]?.decidedAt !== newestAt)
    return `starts at ${items[0]?.decidedAt}, not the newest (${newestAt})`;
  for (let i = 1; i < items.length; i++) {
    if ((items[i - 1] as { decidedAt: string }).decidedAt < (items[i] as { decidedAt: string }).decidedAt)
      return 'not newest first';
  }
  if (!body.nextCursor) return 'no cursor';
  return undefined;
}

/** One page at a time, as an auditor opening the dashboard; checks the first answer's figures. */
function measureDashboard(
  b: Awaited<ReturnType<typeof startBenchStack>>,
  cookie: string,
  count: number,
  decisions: number,
) {
  const url = `${serviceUrl(b.config, 'api')}/app/dashboard`;
  return sampleLatency(count, async (first) => {
    const answer = await fetch(url, { headers: { cookie } });
    const html = await answer.text();
    return first ? dashboardProblem(answer.status, html, decisions) : undefined;
  });
}

function dashboardProblem(status: number, html: string, decisions: number): string | undefined {
  if (status !== 200) return `status ${status}`;
  const months = recentMonths(new Date(), 36);
  const expected = months
    .map((m, i) => ({ m, item: monthItem(m, i, decisions / 36 / 2) }))
    .slice(-12)
    .reduce(
      (sum, { item }) =>
        sum + ['approved', 'rejected', 'expired', 'withdrawn'].reduce((s, f) => s + Number(item[f] ?? 0), 0),
      0,
    );
  const total = rowOf(html, 'decisions-heading', 'All months')?.at(-1);
  if (total !== expected.toLocaleString('en-GB') && total !== String(expected))
    return `endings total ${total}, expected ${expected}`;
  // Every seeded approval's review date is past: 80% of the decisions, counted up to the cap.
  const approvals = decisions - decisions / 5;
  const overdue =
    approvals >= OVERDUE_COUNT_CAP
      ? `at least ${OVERDUE_COUNT_CAP.toLocaleString('en-GB')}`
      : approvals.toLocaleString('en-GB');
  if (!text(html).includes(`${overdue} approved installations with a review date before`))
    return `overdue reviews not shown as ${overdue}`;
  return undefined;
}
