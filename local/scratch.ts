// A throw-away local stack: free ports and a fresh temporary data directory, removed on close.
// `dpia demo`, the integration tests and the benchmarks all start theirs here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStackClient } from './client.js';
import { resolveLocalConfig } from './config.js';
import { type LocalStack, startLocalStack } from './runner.js';

export interface ScratchStack {
  stack: LocalStack;
  client: LocalStackClient;
  dataDir: string;
  close(): Promise<void>;
}

export interface ScratchOptions {
  /** Told the data directory as soon as it exists. */
  onDataDir?: (dir: string) => void;
  /** Leave the directory on close: its owner removes it later (the benchmarks, at their end). */
  keepDataDir?: boolean;
}

export async function startScratchStack(
  label: string,
  { onDataDir, keepDataDir = false }: ScratchOptions = {},
): Promise<ScratchStack> {
  process.env.DPIA_LOG_LEVEL ??= 'silent';
  // A scratch stack (the demo, tests, benchmarks) consults for seconds: no 14-day minimum.
  process.env.DPIA_MIN_CONSULTATION_DAYS ??= '0';
  const dataDir = mkdtempSync(join(tmpdir(), `dpia-${label}-`));
  onDataDir?.(dataDir);
  const config = resolveLocalConfig(
    {},
    { dataDir, ports: { api: 0, dynamodb: 0, ses: 0, sfn: 0, smtp: 0, s3: 0 } },
  );
  let stack: LocalStack;
  try {
    stack = await startLocalStack({ config });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    stack,
    client: new LocalStackClient(stack.config),
    dataDir,
    close: async () => {
      await stack.close();
      if (!keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
