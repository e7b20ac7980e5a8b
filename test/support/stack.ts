// A real local stack for an integration test file: free ports, a temporary data directory, and a
// client that acts only through the public surfaces.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { LocalStackClient } from '../../local/client.js';
import { type ScratchStack, startScratchStack } from '../../local/scratch.js';

export type TestStack = ScratchStack;

export const startTestStack = (): Promise<TestStack> => startScratchStack('it');

/**
 * A local stack for the test file, started before its tests and closed after them; `use` receives
 * it (and may set up what the tests share, within `timeoutMs` with the start).
 */
export function useTestStack(use: (stack: TestStack) => void | Promise<void>, timeoutMs?: number): void {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await startTestStack();
    await use(stack);
  }, timeoutMs);
  afterAll(async () => stack?.close());
}

const example = JSON.parse(
  readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
) as Record<string, unknown> & {
  consultees: { name: string; email: string; organisation?: string }[];
  approver: { name: string; email: string };
  dpo?: { name: string; email: string };
  risks?: Record<string, unknown>[];
};

/**
 * The Tenterden example with its first `consultees` consultees and a deadline `seconds` ahead;
 * without its DPO (so approval follows consultation) unless `dpo` is set.
 */
export function proposalInput(
  options: { consultees?: number; deadlineSeconds?: number; tag?: string; dpo?: boolean } = {},
) {
  const input = structuredClone(example);
  if (!options.dpo) delete input.dpo;
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

/** Waits for the consultation letter to reach `email`, then answers it as that consultee would. */
export async function answerLetter(
  client: LocalStackClient,
  email: string,
  reference: string,
  firstLine: string,
  comment?: string,
): Promise<void> {
  await client.waitFor('the letter', async () => (await client.mailTo(email, reference)).length > 0);
  await client.replyAsConsultee(email, reference, firstLine, comment);
}
