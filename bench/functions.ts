// Functions: every function of functions/registry.ts bundled as the CDK stack bundles it
// (infra/constructs/node-function.ts: esbuild, platform node, target node22, ESM, minified, the
// AWS SDK v3 and Smithy left to the runtime, UTF-8 output, the createRequire banner), its size, and
// its cold import: the CPU time of a fresh `node` process importing the bundle against its floor,
// what a function cannot do without before its first line of its own: the same process importing
// what the bundle leaves external (its packages and Node's built-ins, in the bundle's own order)
// and building the function's own SDK clients (the very modules
// of functions/shared/clients/ it includes, which every invocation uses), the two back to back in
// a few rounds, the median of the rounds' ratios. CPU time, not the wall clock: on this shared
// machine the wall clock mostly measures the other work (paired wall-clock ratios ranged 0.6x-2x
// for the same code); the wall is kept as detail. The external packages resolve from
// node_modules, as on Lambda, so their load time counts. A bare `export const handler` is measured
// once too, as detail: what node itself costs.
// A Chromium function's bundle leaves out the packages the deployment copies beside it
// (CHROMIUM_PACKAGES: playwright-core, and @sparticuz/chromium with its tar extraction): its figure
// says so, with what @sparticuz/chromium weighs bundled alone; like the SDK they are packages the
// function's code runs on (a PDF cannot be printed without the browser driver), so the floor imports
// them too, and the detail gives what they cost on their own.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build, type Metafile } from 'esbuild';
import { type FunctionSpec, functionRegistry } from '../functions/registry.js';
import { CHROMIUM_PACKAGES } from '../infra/constructs/packages.js';
import { type BenchCheck, type BenchOptions, type BenchResult, check, median } from './support/result.js';

const root = new URL('..', import.meta.url).pathname;
/**
 * Issue 17: every web-* function (the web pages, one function per route group, each rendering pages
 * and checking the session) <= 100 KiB, inbound-mail <= 160 KiB, every other function <= 60 KiB.
 */
const SIZE_GOALS_KIB: Record<string, number> = { 'inbound-mail': 160 };
const WEB_SIZE_GOAL_KIB = 100;
const DEFAULT_SIZE_GOAL_KIB = 60;
/** Issue 17: the cold import within 1.15x its floor (the function's packages imported and its SDK clients built alone). */
const IMPORT_GOAL = 1.15;
const sizeGoal = (name: string): number =>
  SIZE_GOALS_KIB[name] ?? (name.startsWith('web-') ? WEB_SIZE_GOAL_KIB : DEFAULT_SIZE_GOAL_KIB);
const QUICK_FUNCTIONS = ['create-proposal', 'inbound-mail', 'list-decisions'];
const BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

interface Bundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

interface ColdImport {
  /** Spawn to exit of a node process that imports the bundle. */
  process: number;
  /** The import() alone, timed inside that process. */
  import: number;
  /** CPU time (user + system) of that process, all threads. */
  cpu?: number;
}

export async function benchFunctions({ quick }: BenchOptions): Promise<BenchResult[]> {
  const runs = quick ? 2 : 4;
  // DPIA_BENCH_FUNCTIONS=review,web-home measures just those (for working on one function).
  const chosen = process.env.DPIA_BENCH_FUNCTIONS?.split(',');
  const specs = chosen
    ? functionRegistry.filter((f) => chosen.includes(f.name))
    : quick
      ? functionRegistry.filter((f) => QUICK_FUNCTIONS.includes(f.name)).slice(0, 3)
      : functionRegistry;
  // Under node_modules, so the bundles' `@aws-sdk/*` imports resolve as on Lambda.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'dpia-bench-functions-'));
  process.send?.({ tempDir: dir });
  try {
    const bareEntry = join(dir, 'bare.ts');
    writeFileSync(bareEntry, 'export const handler = async () => ({});\n');
    const bare = await bundle(bareEntry, join(dir, 'bare'), false);
    const [bareCold] = (await coldImports([bare.file], runs)) as [ColdImport];
    const results: BenchResult[] = [];
    let chromiumAlone: number | undefined;
    for (const spec of specs) {
      const b = await bundle(join(root, spec.entry), join(dir, spec.name), spec.chromium === true);
      if (spec.chromium)
        chromiumAlone ??= await bundledAlone('@sparticuz/chromium', join(dir, 'chromium-alone'));
      // The floor: the same external packages imported, as the bundle imports them, and the same
      // SDK clients built.
      const externals = externalImports(b.metafile);
      const clients = clientModules(b.metafile);
      const floor = await bundle(
        floorEntry(join(dir, spec.name, 'floor.ts'), importOrder(b.metafile), clients),
        join(dir, spec.name, 'floor'),
        spec.chromium === true,
      );
      const copied = spec.chromium
        ? { packages: CHROMIUM_PACKAGES, chromiumKiB: (chromiumAlone ?? 0) / 1024 }
        : undefined;
      results.push(
        functionResult(
          spec,
          b,
          await pairedImports(b.file, floor.file, runs),
          floor,
          bareCold,
          externals,
          clients,
          copied,
        ),
      );
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function bundle(entry: string, outDir: string, chromium: boolean): Promise<Bundle> {
  const file = join(outDir, 'index.mjs');
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify: true,
    charset: 'utf8',
    banner: { js: BANNER },
    // As deployed: a Chromium function's packages are copied beside its bundle, not bundled.
    external: ['@aws-sdk/*', '@smithy/*', ...(chromium ? CHROMIUM_PACKAGES : [])],
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('index.mjs'));
  if (!output) throw new Error(`esbuild wrote no index.mjs for ${entry}`);
  return { file, bytes: output[1].bytes, metafile: result.metafile };
}

/** The minified bytes of a package bundled alone (what a bundle that left it out does not count). */
async function bundledAlone(name: string, outDir: string): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const entry = join(outDir, 'entry.mjs');
  writeFileSync(entry, `export * from '${name}';\nexport { default } from '${name}';\n`);
  return (await bundle(entry, outDir, false)).bytes;
}

interface Copied {
  packages: readonly string[];
  /** @sparticuz/chromium (and its tar extraction) bundled alone, KiB. */
  chromiumKiB: number;
}

function functionResult(
  spec: FunctionSpec,
  b: Bundle,
  { cold, floor, ratio: coldRatio }: Paired,
  floorBundle: Bundle,
  bare: ColdImport,
  externals: string[],
  clients: string[],
  copied: Copied | undefined,
): BenchResult {
  const kib = b.bytes / 1024;
  const goal = sizeGoal(spec.name);
  const without = copied
    ? `the bundle without ${copied.packages.join(' and ')}, which the deployment copies beside it (@sparticuz/chromium bundled alone: ${copied.chromiumKiB.toFixed(1)} KiB; the floor imports them too); `
    : '';
  return {
    name: `function ${spec.name}`,
    figure: kib,
    unit: 'KiB',
    goal: `<= ${goal} KiB, import <= ${IMPORT_GOAL}x its floor`,
    pass: kib <= goal && coldRatio <= IMPORT_GOAL,
    detail:
      `${without}cold import ${(cold.cpu ?? Number.NaN).toFixed(0)} ms CPU = ${coldRatio.toFixed(2)}x its floor, its ` +
      `${externals.length} external packages imported and its SDK clients built (${clientNames(clients)}) alone ` +
      `(${(floor.cpu ?? Number.NaN).toFixed(0)} ms CPU; median of paired rounds; wall ` +
      `${cold.process.toFixed(0)} vs ${floor.process.toFixed(0)} ms); a bare handler ${bare.process.toFixed(0)} ms wall; ` +
      `largest: ${largestInputs(b.metafile, 3)}`,
    checks: [
      check(`${spec.name} bundles and its handler imports in a fresh process`, Number.isFinite(cold.process)),
      floorCheck(spec.name, b, floorBundle, clients),
    ],
    data: {
      bytes: b.bytes,
      sizeGoalKiB: goal,
      importRatio: coldRatio,
      importGoal: IMPORT_GOAL,
      cold,
      bare,
      floor,
      externals,
      clients: clients.map((c) => relative(root, c)),
      ...(copied ? { copiedBeside: copied.packages, chromiumBundledAloneKiB: copied.chromiumKiB } : {}),
      inputs: packageBytes(b.metafile),
    },
  };
}

/** The floor imports exactly what the bundle imports and keeps the code of each client it builds. */
function floorCheck(name: string, b: Bundle, floor: Bundle, clients: string[]): BenchCheck {
  const wanted = new Set(importOrder(b.metafile));
  const imported = new Set(importOrder(floor.metafile));
  const built = new Set(clientModules(floor.metafile));
  const missing = [...wanted].filter((path) => !imported.has(path));
  const extra = [...imported].filter((path) => !wanted.has(path));
  const unbuilt = clients.filter((c) => !built.has(c)).map((c) => relative(root, c));
  return check(
    `${name}'s floor imports the bundle's ${wanted.size} external modules, no more, and builds its ${clients.length} SDK clients`,
    missing.length + extra.length + unbuilt.length === 0,
    `missing ${missing.join(', ') || 'none'}; extra ${extra.join(', ') || 'none'}; clients not built ${unbuilt.join(', ') || 'none'}`,
  );
}

const clientNames = (clients: string[]): string =>
  clients.length > 0 ? clients.map((c) => c.split('/').pop()?.replace(/\.ts$/, '')).join(', ') : 'none';

/**
 * The packages a bundle leaves to the runtime (`@aws-sdk/*`, `@smithy/*`) or the deployment copies
 * beside it (a Chromium function's driver).
 */
function externalImports(metafile: Metafile): string[] {
  return importOrder(metafile)
    .filter((path) => !path.startsWith('node:'))
    .sort();
}

/**
 * Every import the bundle leaves to the runtime, Node's built-ins included, in the bundle's own
 * order. The floor imports them in that order: which modules load first changes how much of Node's
 * own module loader V8 compiles on the way (its CommonJS export scanner, some 12-15 ms of CPU a
 * pass), so a floor importing the same packages in another order measured esbuild's ordering, not
 * the function's code (issue 17's sixth round: a floor of web-decisions' own import lines and SDK
 * clients alone, in its order, was already 1.12x the alphabetical one).
 */
function importOrder(metafile: Metafile): string[] {
  const paths = new Set<string>();
  for (const output of Object.values(metafile.outputs))
    for (const i of output.imports) if (i.external) paths.add(i.path);
  return [...paths];
}

const CLIENTS_DIR = join(root, 'functions', 'shared', 'clients');

/**
 * The modules of functions/shared/clients/ whose code is in the bundle: the SDK clients the function
 * builds. (The metafile lists every module the bundle's imports reached, those tree-shaken out too.)
 */
function clientModules(metafile: Metafile): string[] {
  const inputs = new Set(
    Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([path]) => join(root, path)),
    ),
  );
  return readdirSync(CLIENTS_DIR)
    .map((name) => join(CLIENTS_DIR, name))
    .filter((path) => inputs.has(path) && /\bnew \w+Client\(/.test(readFileSync(path, 'utf8')));
}

/**
 * An entry that imports what a function leaves external, in its order, and builds its SDK clients.
 * Each module is imported as a namespace the handler returns: esbuild drops a bare `import 'x'` of
 * a Node built-in, and of our client modules (package.json declares functions/ free of side
 * effects), which left the floor without the clients it claims to build.
 */
function floorEntry(file: string, imports: string[], clients: string[]): string {
  mkdirSync(join(file, '..'), { recursive: true });
  // The clients by absolute path: relative to the floor's folder under node_modules/.cache, a
  // node_modules that is a link would lead esbuild to another checkout's copy of them.
  const modules = [...imports, ...clients];
  const lines = [
    ...modules.map((m, i) => `import * as m${i} from '${m}';`),
    `export const handler = async () => [${modules.map((_, i) => `m${i}`).join(', ')}];`,
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/**
 * Medians over `runs` fresh processes per file, the files taking turns; a first round is not
 * counted (it fills the disk cache).
 */
async function coldImports(files: string[], runs: number): Promise<ColdImport[]> {
  const walls = files.map((): number[] => []);
  const imports = files.map((): number[] => []);
  for (let i = 0; i <= runs; i++) {
    for (const [n, file] of files.entries()) {
      const { wall, importMs } = await importInFreshProcess(file);
      if (i === 0) continue;
      walls[n]?.push(wall);
      imports[n]?.push(importMs);
    }
  }
  return files.map((_, n) => ({ process: median(walls[n] ?? []), import: median(imports[n] ?? []) }));
}

interface Paired {
  cold: ColdImport;
  floor: ColdImport;
  /** Median over the rounds of (bundle / floor) in CPU time, each pair imported back to back. */
  ratio: number;
}

/**
 * A function's bundle and its floor in `runs` rounds, back to back, the order alternating; the
 * ratio is the median of each round's ratio, so load that drifts between rounds cancels out. A
 * first import of the bundle is not counted (it fills the disk cache).
 */
async function pairedImports(file: string, floorFile: string, runs: number): Promise<Paired> {
  await importInFreshProcess(file);
  await importInFreshProcess(floorFile);
  const cold: FreshImport[] = [];
  const floor: FreshImport[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      cold.push(await importInFreshProcess(file));
      floor.push(await importInFreshProcess(floorFile));
    } else {
      floor.push(await importInFreshProcess(floorFile));
      cold.push(await importInFreshProcess(file));
    }
  }
  const summary = (xs: FreshImport[]): ColdImport => ({
    process: median(xs.map((x) => x.wall)),
    import: median(xs.map((x) => x.importMs)),
    cpu: median(xs.map((x) => x.cpuMs)),
  });
  return {
    cold: summary(cold),
    floor: summary(floor),
    ratio: median(cold.map((c, i) => c.cpuMs / (floor[i]?.cpuMs ?? Number.NaN))),
  };
}

const LOADER = [
  'const t = performance.now();',
  'const m = await import(process.argv[1]);',
  "if (typeof m.handler !== 'function') throw new Error('no handler export');",
  'const importMs = performance.now() - t;',
  // CPU time of the whole process (node's start, the SDK, the bundle), all threads: what a cold
  // start costs, and far steadier than the wall clock when other work shares the cores.
  'const cpu = process.cpuUsage();',
  'process.stdout.write(JSON.stringify({ importMs, cpuMs: (cpu.user + cpu.system) / 1000 }));',
].join(' ');

interface FreshImport {
  wall: number;
  importMs: number;
  cpuMs: number;
}

function importInFreshProcess(file: string): Promise<FreshImport> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', LOADER, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The handlers read these at import in places; give them what the CDK stack sets.
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2', DPIA_LOG_LEVEL: 'silent' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const wall = performance.now() - start;
      if (code !== 0) reject(new Error(`importing ${file} failed (${code}): ${err.trim().split('\n')[0]}`));
      else resolve({ wall, ...(JSON.parse(out) as { importMs: number; cpuMs: number }) });
    });
  });
}

/** Bytes in the bundle by package (or `functions/…` for our own code), largest first. */
function packageBytes(metafile: Metafile): Record<string, number> {
  const totals = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
      const key = match ? (match[1] as string) : path.split('/').slice(0, 2).join('/');
      totals.set(key, (totals.get(key) ?? 0) + bytesInOutput);
    }
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]));
}

function largestInputs(metafile: Metafile, count: number): string {
  return Object.entries(packageBytes(metafile))
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
}
