// Runs one benchmark in this (fresh) process and hands its results to the parent over IPC:
// `node --import tsx bench/support/child.ts <module> <export> <options JSON>`.
import type { BenchOptions, BenchResult } from './result.js';

const [moduleFile, exportName, optionsJson] = process.argv.slice(2);
if (!moduleFile || !exportName || !optionsJson || !process.send) {
  process.stderr.write(
    'usage: node --import tsx bench/support/child.ts <module> <export> <options> (with IPC)\n',
  );
  process.exit(2);
}

const reply = (message: unknown) =>
  new Promise<void>((resolve) => {
    process.send?.(message, () => resolve());
  });

try {
  const module = (await import(new URL(`../${moduleFile}`, import.meta.url).href)) as Record<
    string,
    (options: BenchOptions) => Promise<BenchResult | BenchResult[]>
  >;
  const run = module[exportName];
  if (typeof run !== 'function') throw new Error(`bench/${moduleFile} has no export ${exportName}`);
  const results = await run(JSON.parse(optionsJson) as BenchOptions);
  await reply({ results: Array.isArray(results) ? results : [results] });
  process.exit(0);
} catch (error) {
  await reply({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
