// The "mailed" marks of a fan-out (functions/consultation/marks.ts): written in groups, two groups
// at once, and never more than the window of letters waiting for their mark.
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { mailedMarks } from '../../functions/consultation/marks.js';

const ddb = mockClient(DynamoDBDocumentClient);

/** Each transaction waits until the test lets it finish. */
let finish: (() => void)[] = [];
const marked = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => (c.args[0].input.TransactItems ?? []).map((t) => t.Update?.Key?.SK as string));

beforeEach(() => {
  ddb.reset();
  finish = [];
  ddb.on(TransactWriteCommand).callsFake(() => new Promise((resolve) => finish.push(() => resolve({}))));
  vi.stubEnv('DPIA_TABLE_NAME', 'camera-dpia');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

const mark = (n: number) => ({ email: `c${n}@parish.example`, messageId: `ses-${n}`, copyKey: 'copies' });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mailed marks', () => {
  it('writes two groups at once, and holds the senders while a window of letters waits for its mark', async () => {
    const marks = mailedMarks('p1', 16);
    let added = 0;
    const senders = Array.from({ length: 24 }, (_, n) => marks.add(mark(n)).then(() => (added += 1)));
    await tick();
    // Two groups of 8 in flight; the rest wait, so 16 letters at most are unmarked.
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
    expect(added).toBe(15);
    finish.shift()?.();
    await tick();
    await tick();
    // The first group written: the waiting letters' group takes its place, which keeps 16
    // unmarked, so the senders still wait; they go on once the second is written.
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
    expect(added).toBe(15);
    finish.shift()?.();
    await tick();
    await tick();
    expect(added).toBe(24);
    const settled = marks.settle();
    while (finish.length > 0) {
      finish.shift()?.();
      await tick();
    }
    await settled;
    await Promise.all(senders);
    expect(new Set(marked()).size).toBe(24);
    expect(marked()).toHaveLength(24);
  });

  it('writes a short last group on settle, without waiting for it to fill', async () => {
    const marks = mailedMarks('p1', 16);
    await marks.add(mark(1));
    await marks.add(mark(2));
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    const settled = marks.settle();
    await tick();
    finish.shift()?.();
    await settled;
    expect(marked()).toHaveLength(2);
  });
});
