import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/consultation/close.handler.js';
import { approvalTimeoutSecondsFromEnv, closeConsultation } from '../../functions/consultation/close.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { openConsultation } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();

const PROPOSAL_ID = 'p-456';
const DEADLINE = '2026-12-15T17:00:00.000Z';
const DAY = 24 * 60 * 60;

type Item = Record<string, unknown>;

function consultee(email: string, status: string, stance: string | null): Item {
  return {
    PK: `PROPOSAL#${PROPOSAL_ID}`,
    SK: `CONSULTEE#${email}`,
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

/** The proposal item and its partition, with the conditional status change the store performs. */
class FakeTable {
  proposal: Item;
  events: Item[] = [];
  partition: Item[];

  constructor(status: string, consultees: Item[], closedAt: string | null = null) {
    this.proposal = {
      PK: `PROPOSAL#${PROPOSAL_ID}`,
      SK: 'META',
      proposalId: PROPOSAL_ID,
      reference: 'DPIA-2026-0002',
      status,
      input: { responseDeadline: DEADLINE },
      consultation: openConsultation(DEADLINE, { closedAt }),
      collectTaskToken: 'task-token-secret',
    };
    this.partition = consultees;
  }

  /** The dashboard's counter markers and month items (functions/stats/), kept apart. */
  statsMarkers = new Map<string, Item>();
  statsUpdates: UpdateCommand['input'][] = [];

  install() {
    ddb
      .on(GetCommand)
      .callsFake(async (input: { Key: Item }) =>
        String(input.Key.SK).startsWith('STATS#')
          ? { Item: this.statsMarkers.get(String(input.Key.SK)) }
          : { Item: structuredClone(this.proposal) },
      );
    ddb
      .on(QueryCommand)
      .callsFake(async () => ({ Items: structuredClone([this.proposal, ...this.partition]) }));
    ddb.on(PutCommand).callsFake(async (input: { Item: Item }) => {
      if (input.Item.type === 'stats-marker') {
        if (this.statsMarkers.has(String(input.Item.SK))) {
          throw conditionFailed();
        }
        this.statsMarkers.set(String(input.Item.SK), structuredClone(input.Item));
        return {};
      }
      this.events.push(structuredClone(input.Item));
      return {};
    });
    ddb.on(UpdateCommand).callsFake(async (input) => {
      if (input.Key?.PK === 'STATS') {
        this.statsUpdates.push(structuredClone(input));
        return {};
      }
      const values = input.ExpressionAttributeValues ?? {};
      const names = input.ExpressionAttributeNames ?? {};
      if (input.ConditionExpression?.includes('#status IN')) {
        const from = Object.entries(values)
          .filter(([k]) => k.startsWith(':from'))
          .map(([, v]) => v);
        if (!from.includes(this.proposal.status)) {
          throw conditionFailed();
        }
      }
      for (const assignment of (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ')) {
        const [path, value] = assignment.split(' = ') as [string, string];
        // A nested path such as #c.#mailed sets a field inside a map attribute.
        const parts = path.split('.').map((part) => names[part] ?? part);
        const last = parts.pop() as string;
        let target = this.proposal as Record<string, unknown>;
        for (const part of parts) {
          target[part] ??= {};
          target = target[part] as Record<string, unknown>;
        }
        target[last] = structuredClone(values[value]);
      }
      return {};
    });
  }

  get consultation() {
    return this.proposal.consultation as Record<string, unknown>;
  }
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
    const table = new FakeTable('consulting', [
      consultee('a@x.example', 'responded', 'support'),
      consultee('b@x.example', 'responded', 'object'),
      consultee('c@x.example', 'mailed', null),
      { PK: `PROPOSAL#${PROPOSAL_ID}`, SK: 'REPLY#late-1', type: 'reply', kind: 'response', late: true },
    ]);
    table.install();

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
    const table = new FakeTable('consulting', [
      consultee('a@x.example', 'responded', 'support'),
      consultee('b@x.example', 'responded', 'concerns'),
    ]);
    table.install();

    await closeConsultation(PROPOSAL_ID);

    expect(table.events[0]?.detail).toBe(
      'Closed early, before the deadline: 2 of 2 mailed consultees responded',
    );
  });

  it('keeps the first closing time and writes no second event on a retry', async () => {
    vi.setSystemTime(Date.parse(DEADLINE) + 5_000);
    const table = new FakeTable('consulting', [consultee('a@x.example', 'mailed', null)]);
    table.install();
    await closeConsultation(PROPOSAL_ID);
    const firstClosedAt = table.consultation.closedAt;

    vi.setSystemTime(Date.parse(DEADLINE) + 60_000);
    const again = await closeConsultation(PROPOSAL_ID);

    expect(table.consultation.closedAt).toBe(firstClosedAt);
    expect(table.proposal.status).toBe('awaiting-approval');
    expect(table.events).toHaveLength(1);
    // The dashboard counts this consultation's close once, in the month it first closed.
    expect(table.statsUpdates).toHaveLength(1);
    expect(table.statsUpdates[0]?.Key).toEqual({ PK: 'STATS', SK: 'MONTH#2026-12' });
    expect(again.approvalTimeoutSeconds).toBe(14 * DAY);
  });

  it('keeps a closedAt that was already set', async () => {
    vi.setSystemTime(Date.parse(DEADLINE) + 5_000);
    const table = new FakeTable(
      'consulting',
      [consultee('a@x.example', 'mailed', null)],
      '2026-12-10T08:00:00.000Z',
    );
    table.install();

    await closeConsultation(PROPOSAL_ID);

    expect(table.consultation.closedAt).toBe('2026-12-10T08:00:00.000Z');
    expect(table.events[0]?.detail).toContain('Closed early');
  });

  it.each(['withdrawn', 'failed', 'approved'])('changes nothing for a %s proposal', async (status) => {
    const table = new FakeTable(status, [consultee('a@x.example', 'mailed', null)]);
    table.install();

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
    const table = new FakeTable('consulting', [consultee('a@x.example', 'mailed', null)]);
    table.install();

    await expect(closeConsultation(PROPOSAL_ID)).rejects.toThrow(/DPIA_APPROVAL_TIMEOUT_DAYS/);
    expect(ddb.calls()).toHaveLength(0);
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '-1');
    await expect(closeConsultation(PROPOSAL_ID)).rejects.toThrow(/above 0 and at most 90/);
  });

  it('runs from the state machine Parameters through the handler', async () => {
    vi.stubEnv('DPIA_APPROVAL_TIMEOUT_DAYS', '7');
    new FakeTable('consulting', [consultee('a@x.example', 'responded', 'support')]).install();
    await expect(handler({ proposalId: PROPOSAL_ID }, {} as Context)).resolves.toEqual({
      approvalTimeoutSeconds: 7 * DAY,
    });
    await expect(handler({ proposalId: '' }, {} as Context)).rejects.toThrow();
  });
});
