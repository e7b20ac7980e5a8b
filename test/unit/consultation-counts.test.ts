import {
  GetCommand,
  type GetCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type CountedConsultee,
  countLateReply,
  countsSayEveryoneResponded,
  rebuildConsultationCounts,
  syncConsulteeCount,
} from '../../functions/consultation/summary.js';
import { consulteeKey, proposalKey } from '../../functions/shared/keys.js';
import type { ProposalRecord } from '../../functions/shared/store/proposals.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { checkPlaceholders, type Item, updateItem } from '../support/expressions.js';
import { openConsultation } from '../support/records.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const ID = 'p-counts';
const EMAILS = ['a@parish.example', 'b@parish.example', 'c@parish.example'];
const keyOf = (key: unknown) => JSON.stringify([(key as Item).PK, (key as Item).SK]);

/** One partition in memory; `beforeUpdate` runs just before an update is applied (a racing writer). */
class Partition {
  items = new Map<string, Item>();
  beforeUpdate: ((input: UpdateCommandInput) => Promise<unknown>) | undefined;

  constructor() {
    this.items.set(keyOf(proposalKey(ID)), {
      ...proposalKey(ID),
      proposalId: ID,
      status: 'consulting',
      input: { consultees: EMAILS.map((email) => ({ name: email, email })) },
      consultation: openConsultation('2026-12-15T17:00:00.000Z'),
      countedStates: {},
      countsVersion: 0,
      consulteeCount: EMAILS.length,
      collectTaskToken: 'token',
    });
    for (const email of EMAILS) {
      this.items.set(keyOf(consulteeKey(ID, email)), {
        ...consulteeKey(ID, email),
        email,
        status: 'mailed',
        stance: null,
        mailMarker: 'sent',
        countVersion: 1,
      });
    }
  }

  get proposal(): ProposalRecord & Item {
    return this.items.get(keyOf(proposalKey(ID))) as ProposalRecord & Item;
  }

  /** A consultee write as the inbound handler makes it: the state, with the version raised. */
  write(email: string, fields: Partial<CountedConsultee>): CountedConsultee {
    const key = keyOf(consulteeKey(ID, email));
    const current = this.items.get(key) as CountedConsultee & Item;
    const next = { ...current, ...fields, countVersion: (current.countVersion ?? 0) + 1 };
    this.items.set(key, next);
    return structuredClone(next);
  }

  install(): void {
    ddb.on(GetCommand).callsFake(async (input: GetCommandInput) => {
      checkPlaceholders(input);
      return { Item: structuredClone(this.items.get(keyOf(input.Key))) };
    });
    ddb.on(QueryCommand).callsFake(async (input: QueryCommandInput) => ({
      Items: [...this.items.values()]
        .filter((item) => item.PK === input.ExpressionAttributeValues?.[':pk'])
        .map((item) => structuredClone(item)),
    }));
    ddb.on(UpdateCommand).callsFake(async (input: UpdateCommandInput) => {
      await this.beforeUpdate?.(input);
      const { next, output } = updateItem(this.items.get(keyOf(input.Key)), input);
      this.items.set(keyOf(input.Key), next);
      return output;
    });
  }
}

let table: Partition;

unitEnv({}, { each: true });
beforeEach(async () => {
  ddb.reset();
  table = new Partition();
  table.install();
  await rebuildConsultationCounts(ID);
});

describe('consultation counts', () => {
  it('counts what the recount finds: everyone mailed, nobody answered yet', () => {
    expect(table.proposal.consultation).toMatchObject({ mailed: 3, responded: 0, bounced: 0 });
  });

  it('moves a stance from one side of the tally to the other when a newer reply replaces it', async () => {
    await syncConsulteeCount(ID, table.write(EMAILS[0] as string, { status: 'responded', stance: 'object' }));
    const synced = await syncConsulteeCount(
      ID,
      table.write(EMAILS[0] as string, { status: 'responded', stance: 'support' }),
    );

    // What the early close reads comes back with the update, not the whole proposal item.
    expect(synced).toMatchObject({
      consultation: { responded: 1, bounced: 0 },
      collectTaskToken: 'token',
      consulteeCount: 3,
    });
    expect(synced).not.toHaveProperty('input');

    expect(table.proposal.consultation).toMatchObject({
      mailed: 3,
      responded: 1,
      tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
    });
  });

  it('adds nothing when the same write is synced twice (a retried delivery)', async () => {
    const written = table.write(EMAILS[0] as string, { status: 'responded', stance: 'concerns' });
    await syncConsulteeCount(ID, written);
    await syncConsulteeCount(ID, written);
    await syncConsulteeCount(ID, written, table.proposal);

    expect(table.proposal.consultation).toMatchObject({ responded: 1, tally: { concerns: 1 } });
  });

  it('never lets an older view of a consultee overwrite a newer one, whatever order the syncs run in', async () => {
    const older = table.write(EMAILS[1] as string, { status: 'responded', stance: 'object' });
    const newer = table.write(EMAILS[1] as string, { status: 'responded', stance: 'support' });
    const stale = structuredClone(table.proposal);
    await syncConsulteeCount(ID, newer);
    // The older sync started from a proposal read before either: its guess is wrong, and it stops.
    expect(await syncConsulteeCount(ID, older, stale)).toBeUndefined();

    expect(table.proposal.consultation).toMatchObject({
      responded: 1,
      tally: { support: 1, concerns: 0, object: 0, unclassified: 0 },
    });
  });

  it('loses nothing when two consultees are synced at the same moment', async () => {
    const stale = structuredClone(table.proposal);
    const a = table.write(EMAILS[0] as string, { status: 'responded', stance: 'support' });
    const b = table.write(EMAILS[1] as string, { status: 'bounced' });
    // Both start from the same read of the proposal; the second write meets a changed item.
    await Promise.all([syncConsulteeCount(ID, a, stale), syncConsulteeCount(ID, b, stale)]);

    expect(table.proposal.consultation).toMatchObject({ mailed: 3, responded: 1, bounced: 1 });
    expect(countsSayEveryoneResponded(table.proposal)).toBe(false);
    await syncConsulteeCount(ID, table.write(EMAILS[2] as string, { status: 'responded', stance: 'object' }));
    expect(countsSayEveryoneResponded(table.proposal)).toBe(true);
  });

  it('recounts a proposal from before the counts kept their entries, rather than failing the reply', async () => {
    const { countedStates: _gone, ...older } = table.proposal;
    table.items.set(JSON.stringify([older.PK, older.SK]), older);
    const synced = await syncConsulteeCount(
      ID,
      table.write(EMAILS[0] as string, { status: 'responded', stance: 'support' }),
    );

    expect(synced).toBeUndefined();
    expect(table.proposal.consultation).toMatchObject({ mailed: 3, responded: 1, tally: { support: 1 } });
    expect(Object.keys(table.proposal.countedStates ?? {})).toHaveLength(3);
  });

  it('counts a late reply once however often it is delivered', async () => {
    await countLateReply(ID, 'reply-1');
    await countLateReply(ID, 'reply-1', table.proposal);
    await countLateReply(ID, 'reply-2');

    expect(table.proposal.consultation.late).toBe(2);
  });

  it('starts a recount again when a reply is synced while it counts, and keeps that reply', async () => {
    let raced = false;
    table.beforeUpdate = async (input) => {
      // A reply lands between the recount's read of the partition and its write.
      if (!raced && input.UpdateExpression?.startsWith('SET #states = :states')) {
        raced = true;
        table.beforeUpdate = undefined;
        await syncConsulteeCount(
          ID,
          table.write(EMAILS[2] as string, { status: 'responded', stance: 'concerns' }),
        );
      }
    };
    const summary = await rebuildConsultationCounts(ID);

    expect(raced).toBe(true);
    expect(summary).toMatchObject({ responded: 1, tally: { concerns: 1 } });
    expect(table.proposal.consultation).toMatchObject({ mailed: 3, responded: 1, tally: { concerns: 1 } });
  });
});
