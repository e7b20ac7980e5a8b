// Where a benchmark's measured window spent its CPU, per thread of the local stack:
//   DPIA_BENCH_PROFILE=/tmp/p NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/p" \
//     npm run bench -- --only ingestion
//   npx tsx bench/support/profile-summary.ts /tmp/p ingestion-system
// Node writes one CPU.*.cpuprofile per thread for the whole process; `profiled` wrote the window
// (<name>.window.json) on the same clock, so only the samples inside it are counted. Each thread is
// named by what runs on it, and its samples grouped by the component their function belongs to.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Components, first match wins: [label, test on the frame's URL or native name]. */
const COMPONENTS: [string, RegExp][] = [
  ['garbage collection', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
  ['AWS SDK (middleware, signing, serialising)', /node_modules\/(@smithy|@aws-sdk|@aws-crypto)\//],
  [
    'DynamoDB emulator (dynalite, LevelDB)',
    /local\/dynal|node_modules\/(dynalite|level[^/]*|abstract-level|classic-level|big\.js|lazy|once|buffer-crc32|encoding-down|deferred-leveldown)\//,
  ],
  [
    'S3 emulator (s3rver, koa)',
    /node_modules\/(s3rver|koa[^/]*|@koa|xmlbuilder2|fast-xml-parser|busboy|statuses|http-errors|on-finished)\//,
  ],
  ['SMTP server (smtp-server)', /node_modules\/smtp-server\//],
  ['bench SMTP client (nodemailer)', /node_modules\/nodemailer\//],
  [
    'MIME parsing (postal-mime, reply parsers)',
    /node_modules\/(postal-mime|email-reply-parser|email-forward-parser)\//,
  ],
  ['zod', /node_modules\/zod\//],
  ['Step Functions emulator', /local\/stepfunctions\/|node_modules\/aws-local-stepfunctions\//],
  ['SES emulator', /node_modules\/aws-ses-v2-local\/|local\/ses\.ts/],
  ['inbound SMTP (local/smtp.ts)', /local\/smtp/],
  ['local Lambda runner', /local\/lambda\.ts/],
  ['handlers (functions/)', /\/functions\//],
  ['local stack, other', /\/local\//],
  ['benchmark (bench/)', /\/bench\//],
  ['Node HTTP and sockets', /^node:(_http|http|net|internal\/(http|net|stream_base|dns))/],
  ['Node streams and events', /^node:(events|internal\/streams|stream|internal\/webstreams)/],
  ['Node promises and ticks', /^node:internal\/process\/task_queues|^\(runMicrotasks\)$/],
  [
    'Node file system',
    /^node:(fs|internal\/fs)|^\((open|openFileHandle|close|unlink|rename|writeBuffer|writeString|writeFileUtf8|read|stat|lstat|mkdir|readdir|fsync|fdatasync)\)$/,
  ],
  ['Node crypto', /^node:internal\/crypto|^\((Hash|Hmac|digest|update|randomBytes)\)$/],
  ['Node, other', /^node:/],
  ['other packages', /node_modules\//],
];

function componentOf(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(native)';
  const key = frame.url || (name.startsWith('(') ? name : `(${name})`);
  for (const [label, test] of COMPONENTS) if (test.test(key)) return label;
  return frame.url ? 'other' : 'native (V8 and bindings)';
}

/** What runs on the thread: Node names the main thread 0; a worker by the emulator it runs. */
function threadName(file: string, byComponent: Map<string, number>): string {
  if (/^CPU\.\d+\.\d+\.\d+\.0\./.test(file)) return 'main thread';
  const emulators = [
    ['DynamoDB thread', 'DynamoDB emulator (dynalite, LevelDB)'],
    ['S3 thread', 'S3 emulator (s3rver, koa)'],
    ['SMTP thread', 'SMTP server (smtp-server)'],
  ] as const;
  for (const [name, component] of emulators) if (byComponent.has(component)) return name;
  return 'worker thread';
}

function summarise(profile: CpuProfile, window: { start: number; end: number }) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byComponent = new Map<string, number>();
  let at = profile.startTime;
  let previous = at;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const took = at - previous;
    previous = at;
    if (at < window.start || at > window.end) continue;
    const node = nodes.get(profile.samples[i] as number);
    if (!node) continue;
    const component = componentOf(node.callFrame);
    byComponent.set(component, (byComponent.get(component) ?? 0) + took);
    if (component !== 'idle') busy += took;
  }
  return { byComponent, busy };
}

const [dir, name] = process.argv.slice(2);
if (!dir || !name) {
  process.stderr.write('usage: tsx bench/support/profile-summary.ts <dir> <window name>\n');
  process.exit(2);
}
const window = JSON.parse(readFileSync(join(dir, `${name}.window.json`), 'utf8')) as {
  start: number;
  end: number;
};
const seconds = (window.end - window.start) / 1e6;
process.stdout.write(`window ${name}: ${seconds.toFixed(1)} s\n`);
for (const file of readdirSync(dir).filter((f) => /^CPU\..*\.cpuprofile$/.test(f))) {
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  if (profile.endTime < window.start || profile.startTime > window.end) continue;
  const { byComponent, busy } = summarise(profile, window);
  if (busy === 0) continue;
  process.stdout.write(
    `\n${threadName(file, byComponent)} (${file}): busy ${(busy / 1e6).toFixed(1)} s of ${seconds.toFixed(1)} s (${((100 * busy) / 1e6 / seconds).toFixed(0)}%)\n`,
  );
  for (const [component, micros] of [...byComponent].sort((a, b) => b[1] - a[1])) {
    if (component === 'idle' || micros / busy < 0.01) continue;
    process.stdout.write(
      `  ${((100 * micros) / busy).toFixed(0).padStart(3)}%  ${(micros / 1e6).toFixed(1).padStart(5)} s  ${component}\n`,
    );
  }
}
