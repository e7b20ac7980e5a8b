import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/consultation/close.handler.js';
import { approvalTimeoutSecondsFromEnv, closeConsultation } from '../../functions/consultation/close.js';
import {
  consulteeKey,
  EVENT_PREFIX,
  proposalKey,
  replyKey,
  statsMonthKey,
} from '../../functions/shared/keys.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import type { Item } from '../support/expressions.js';
import { MemoryTable } from '../support/memory-table.js';
import { openConsultation } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

const PROPOSAL_ID = 'p-456';
const DEADLINE = '2026-12-15T17:00:00.000Z';
const DAY = 24 * 60 * 60;

function consultee(email: string, status: string, stance: string | null): Item {
  return {
    ...consulteeKey(PROPOSAL_ID, email),
    type: 'consultee',
    name: email,
    email,
    status,
    stance,
    respondedAt: stance ? '2026-12-01T10:00:00.000Z' : null,
    late: false,
    senderMismatch: false,
    comment: null,
    mailMarker: 'sent',
    replyId: null,
    mailedAt: '2026-11-20T09:00:00.000Z',
  };
}

/**
 * The proposal and its partition (consultees, replies) in the table in memory, which evaluates the
 * store's conditions and updates as DynamoDB would; what a test reads of it afterwards.
 */
function consulting(status: string, partition: Item[], closedAt: string | null = null) {
  const table = new MemoryTable().install(ddb);
  const key = proposalKey(PROPOSAL_ID);
  table.put({
    ...key,
    type: 'proposal',
    proposalId: PROPOSAL_ID,
    reference: 'DPIA-2026-0002',
    status,
    input: { responseDeadline: DEADLINE },
    consultation: openConsultation(DEADLINE, { closedAt }),
    collectTaskToken: 'task-token-secret',
  });
  for (const item of partition) table.put(item);
  return {
    get proposal() {
      return table.get(key) as Item;
    },
    get consultation() {
      return this.proposal.consultation as Item;
    },
    /** The proposal's timeline. */
    get events() {
      return table.ofPrefix(EVENT_PREFIX);
    },
    /** The dashboard's figures for a month (functions/stats/). */
    month: (month: string) => table.get(statsMonthKey(month)),
  };
}

unitEnv({}, { each: true });
beforeEach(() => {
  ddb.reset();
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('CloseConsultation', () => {
  it('closes at the deadline: clears the task token, stamps closedAt, tallies, awaits approval', async () => {
    vi.setSystemTime(Date.parse(DEADLINE) + 1_000);
    const table = consulting('consulting', [
      consultee('a@x.example', 'responded', 'support'),
      consultee('b@x.example', 'responded', 'object'),
      consultee('c@x.example', 'mailed', null),
      { ...replyKey(PROPOSAL_ID, 'late-1'), type: 'reply', kind: 'response', late: true },
    ]);

    const result = await closeConsultation(PROPOSAL_ID);

    expect(result).toEqual({ approvalTimeoutSeconds: 14 * DAY });
    expect(table.proposal.status).toBe('awaiting-approval');
    expect(table.proposal.collectTaskToken).toBeNull();
    expect(table.consultation).toMatchObject({
      closedAt: '2026-12-15T17:00:01.000Z',
      mailed: 3,
      responded: 2,
      late: 1,
      tally: { support: 1, concerns: 0, object: 1, unclassified: 0 },
    });
    expect(table.events).toHaveLength(1);
    expect(table.events[0]).toMatchObject({ event: 'consultation-closed' });
    expect(table.events[0]?.detail).toBe(
      'Closed at the deadline: 2 of 3 mailed consultees responded (1 late)',
    );
  });

  it('says when it closed early, before the deadline', async () => {
    vi.setSystemTime(Date.parse('2026-12-02T12:00:00Z'));
    const table = consulting('consulting', [
      consultee('a@x.example', 'responded', 'support'),
      consultee('b@x.example', 'responded', 'concerns'),
    ]);

    await closeConsultation(PROPOSAL_ID);

    expect(table.events[0]?.detail).toBe(
      'Closed early, before the deadline: 2 of 2 mailed consultees responded',
    );
  });

  it('keeps the first closing time and writes no second event on a retry', async () => {
    vi.setSystemTime(Date.parse(DEADLINE) + 5_000);
    const table = consulting('consulting', [consultee('a@x.example', 'mailed', null)]);
    await closeConsultation(PROPOSAL_ID);
    const firstClosedAt = table.consultation.closedAt;

    vi.setSystemTime(Date.parse(DEADLINE) + 60_000);
    const again = await closeConsultation(PROPOSAL_ID);

    expect(table.consultation.closedAt).toBe(firstClosedAt);
    expect(table.proposal.status).toBe('awaiting-approval');
    expect(table.events).toHaveLength(1);
    // The dashboard counts this consultation's close once, in the month it first closed.
    expect(table.month('2026-12')).toMatchObject({ consultationsClosed: 1 });
    expect(again.approvalTimeoutSeconds).toBe(14 * DAY);
  });

  it('keeps a closedAt that was already set', async () => {
    vi.setSystemTime(Date.parse(DEADLINE) + 5_000);
    const table = consulting(
      'consulting',
      [consultee('a@x.example', 'mailed', null)],
      '2026-12-10T08:00:00.000Z',
    );

    await closeConsultation(PROPOSAL_ID);

    expect(table.consultation.closedAt).toBe('2026-12-10T08:00:00.000Z');
    expect(table.events[0]?.detail).toContain('Closed early');
  });

  it.each(['withdrawn', 'failed', 'approved'])('changes nothing for a %s proposal', async (status) => {
    const table = consulting(status, [consultee('a@x.example', 'mailed', null)]);

    await closeConsultation(PROPOSAL_ID);

    expect(table.proposal.status).toBe(status);
    expect(table.proposal.collectTaskToken).toBe('task-token-secret');
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(table.events).toHaveLength(0);
  });

  it('reads the approval timeout in days from the environment', () => {
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '3');
    expect(approvalTimeoutSecondsFromEnv()).toBe(3 * DAY);
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '0.0001');
    expect(approvalTimeoutSecondsFromEnv()).toBe(9);
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '');
    expect(approvalTimeoutSecondsFromEnv()).toBe(14 * DAY);
  });

  it('refuses a bad approval timeout before changing anything', async () => {
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', 'two weeks');
    consulting('consulting', [consultee('a@x.example', 'mailed', null)]);

    await expect(closeConsultation(PROPOSAL_ID)).rejects.toThrow(/DPIA_APPROVAL_TIMEOUT_DAYS/);
    expect(ddb.calls()).toHaveLength(0);
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '-1');
    await expect(closeConsultation(PROPOSAL_ID)).rejects.toThrow(/above 0 and at most 90/);
  });

  it('runs from the state machine Parameters through the handler', async () => {
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '7');
    consulting('consulting', [consultee('a@x.example', 'responded', 'support')]);
    await expect(handler({ proposalId: PROPOSAL_ID }, {} as Context)).resolves.toEqual({
      approvalTimeoutSeconds: 7 * DAY,
    });
    await expect(handler({ proposalId: '' }, {} as Context)).rejects.toThrow();
  });
});
