// The public register: GET /register?limit=50 (the HTML page, as the public reads it) latency with
// 1,000 and with 100,000 approvals on the register (quick: 200 and 2,000). Register entries are
// written directly with BatchWriteItem in parallel batches, as RecordDecision writes them, not
// through the workflow. A page is one Query on the register's index partition, reading 51 items
// whatever the register holds, so the p50 ratio should stay near 1; a Scan would grow with it.
import { registerItem } from '../functions/register/entry.js';
import { CAMERA_TYPES } from '../functions/shared/model/proposal.js';
import { floorClients } from './floor-clients.js';
import { atMost, type BenchOptions, type BenchResult, check, seconds } from './support/result.js';
import { LOAD_CONCURRENCY, loadItems, sampleLatency, scaleSizes } from './support/scale.js';
import { startBenchStack } from './support/stack.js';

const GOAL = 1.2;
const PAGE = 50;
const AREAS = [
  'Ashford',
  'Canterbury',
  'Dartford',
  'Dover',
  'Faversham',
  'Folkestone',
  'Gravesend',
  'Maidstone',
  'Margate',
  'Sevenoaks',
  'Tenterden',
  'Tonbridge',
];

export async function benchRegister({ quick }: BenchOptions): Promise<BenchResult> {
  const { small, large, requests } = scaleSizes(quick);
  const b = await startBenchStack('register');
  const dynamo = floorClients().dynamo;
  try {
    const loadSmall = await loadItems(dynamo, 1, small, entry);
    const atSmall = await measure(b, requests, firstOf(1, small));
    const loadLarge = await loadItems(dynamo, small + 1, large, entry);
    const atLarge = await measure(b, requests, firstOf(1, large));
    const p50Ratio = atLarge.p50 / atSmall.p50;
    return {
      name: 'public register',
      ...atMost(p50Ratio, GOAL),
      unit: `p50 ${large / 1000}k/${small / 1000}k`,
      detail:
        `GET /register?limit=${PAGE} (HTML), ${requests} requests each: ${small} approvals p50 ` +
        `${atSmall.p50.toFixed(1)} ms p95 ${atSmall.p95.toFixed(1)} ms; ${large} approvals p50 ` +
        `${atLarge.p50.toFixed(1)} ms p95 ${atLarge.p95.toFixed(1)} ms; loading ${large} took ` +
        `${seconds(loadSmall + loadLarge)} (BatchWriteItem x${LOAD_CONCURRENCY})`,
      checks: [
        check(
          `each page is the first ${PAGE} entries in register order (type, area, approval), with a next-page link`,
          atSmall.correct && atLarge.correct,
          `${small}: ${atSmall.problem ?? 'ok'}; ${large}: ${atLarge.problem ?? 'ok'}`,
        ),
      ],
      data: { small, large, atSmall, atLarge, loadSmall, loadLarge },
    };
  } finally {
    await b.close();
  }
}

const BASE = Date.parse('2020-01-01T00:00:00Z');

function entry(n: number) {
  const approvedAt = new Date(BASE + n * 60_000).toISOString();
  return registerItem({
    reference: `DPIA-${2020 + Math.floor(n / 10_000)}-${String(n % 10_000).padStart(4, '0')}`,
    proposalId: `bench-${n}`,
    decisionId: `DEC-${String(n).padStart(6, '0')}`,
    cameraType: CAMERA_TYPES[n % CAMERA_TYPES.length] ?? 'OTHER',
    purpose:
      'Reads vehicle registration numbers and checks them against records of vehicles of interest to the police. Pressing need: serious and organised crime; local crime.',
    publicArea: AREAS[n % AREAS.length] ?? 'Ashford',
    ownerRole: n % 5 === 0 ? null : 'Deputy Head of the Serious Crime Directorate (Chief Superintendent)',
    approvedAt,
    approvedOn: approvedAt.slice(0, 10),
    lastReviewedOn: approvedAt.slice(0, 10),
    nextReviewOn: new Date(BASE + n * 60_000 + 365 * 86_400_000).toISOString().slice(0, 10),
  });
}

/** The reference the register lists first among entries `from`..`to`: the smallest index sort key. */
function firstOf(from: number, to: number): string {
  let best = entry(from);
  for (let n = from + 1; n <= to; n++) {
    const candidate = entry(n);
    if (candidate.GSI1SK < best.GSI1SK) best = candidate;
  }
  return best.reference;
}

/** The register's first page as the public opens it, one request at a time. */
function measure(b: Awaited<ReturnType<typeof startBenchStack>>, count: number, expectedFirst: string) {
  return sampleLatency(count, async (first) => {
    const answer = await b.api<string>(null, 'GET', `/register?limit=${PAGE}`);
    return first ? pageProblem(answer.status, answer.text, expectedFirst) : undefined;
  });
}

function pageProblem(status: number, html: string, expectedFirst: string): string | undefined {
  if (status !== 200) return `status ${status}`;
  // The template escapes `/` in attributes as `&#x2F;`.
  const references = [...html.replace(/&#x2F;/g, '/').matchAll(/\/register\/(DPIA-[\d-]+)\/dpia/g)].map(
    (m) => m[1],
  );
  if (references.length !== PAGE) return `${references.length} rows`;
  if (references[0] !== expectedFirst) return `starts at ${references[0]}, not ${expectedFirst}`;
  if (!/rel="next">Next page</.test(html)) return 'no next-page link';
  return undefined;
}
