// A real local stack for an integration test file: free ports, a temporary data directory, and a
// client that acts only through the public surfaces.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStackClient } from '../../local/client.js';
import { resolveLocalConfig } from '../../local/config.js';
import { type LocalStack, startLocalStack } from '../../local/runner.js';

export interface TestStack {
  stack: LocalStack;
  client: LocalStackClient;
  close(): Promise<void>;
}

export async function startTestStack(): Promise<TestStack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'dpia-it-'));
  process.env.DPIA_LOG_LEVEL ??= 'silent';
  const config = resolveLocalConfig(
    {},
    { dataDir, ports: { api: 0, dynamodb: 0, ses: 0, sfn: 0, smtp: 0, s3: 0 } },
  );
  const stack = await startLocalStack({ config });
  return {
    stack,
    client: new LocalStackClient(stack.config),
    close: async () => {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const example = JSON.parse(
  readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & {
  consultees: { name: string; email: string; organisation?: string }[];
  approver: { name: string; email: string };
};

/** The Tenterden example with its first `consultees` consultees and a deadline `seconds` ahead. */
export function proposalInput(options: { consultees?: number; deadlineSeconds?: number; tag?: string } = {}) {
  const input = structuredClone(example);
  input.consultees = input.consultees.slice(0, options.consultees ?? 4).map((c) => ({
    ...c,
    email: options.tag ? c.email.replace('@', `+${options.tag}@`) : c.email,
  }));
  input.responseDeadline = new Date(Date.now() + (options.deadlineSeconds ?? 3600) * 1000).toISOString();
  return input;
}

export const insufficientInput = () => {
  const input = JSON.parse(
    readFileSync(new URL('../../examples/cctv-insufficient.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  input.responseDeadline = new Date(Date.now() + 3600_000).toISOString();
  return input;
};
