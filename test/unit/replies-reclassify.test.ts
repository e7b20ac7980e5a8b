// Issue 16: correcting a reply's stance. Conditional writes decide: a manager who saw an old stance
// changes nothing (409), a repeat counts nothing twice, and only the counted reply moves the tally.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { reclassifyReply } from '../../functions/replies/reclassify.js';
import { ConflictError } from '../../functions/shared/errors.js';
import { consulteeKey, proposalKey, replyKey } from '../../functions/shared/keys.js';
import type { Stance } from '../../functions/shared/model/consultation.js';
import { mockDocumentClient } from '../support/dynamo-rules.js';
import { conditionFailed } from '../support/expressions.js';
import { unitEnv } from '../support/unit-env.js';

const ddb = mockDocumentClient();
const PROPOSAL = 'p-1';
const EMAIL = 'cllr@parish.example';
const REPLY = 'r'.repeat(64);

const proposal = (status: string) => ({
  ...proposalKey(PROPOSAL),
  proposalId: PROPOSAL,
  reference: 'DPIA-2026-0001',
  status,
  consultation: {
    mailed: 1,
    responded: 1,
    late: 0,
    bounced: 0,
    tally: { support: 0, concerns: 0, object: 0, unclassified: 1 },
  },
});
const reply = (stance: string) => ({
  ...replyKey(PROPOSAL, REPLY),
  replyId: REPLY,
  proposalId: PROPOSAL,
  consulteeEmail: EMAIL,
  kind: 'response',
  stance,
  late: false,
  senderMismatch: false,
});
const sameKey = (a: unknown, b: { PK: string; SK: string }) => JSON.stringify(a) === JSON.stringify(b);
const updates = () => ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input);
/** Every update whose key the test names fails its condition, as when the item had moved already. */
const failUpdatesWhere = (refused: (key: unknown) => boolean) =>
  ddb.on(UpdateCommand).callsFake((input) => {
    if (refused(input.Key)) throw conditionFailed();
    return {};
  });
/** A manager's correction of the reply's stance, with the reason they give. */
const reclassify = (stance: Stance, reason: string, by: string) =>
  reclassifyReply(PROPOSAL, REPLY, { stance, reason }, by);

unitEnv({}, { each: true });
beforeEach(() => {
  ddb.reset();
  ddb
    .on(QueryCommand)
    .resolves({ Items: [{ ...consulteeKey(PROPOSAL, EMAIL), name: 'Cllr Ash', email: EMAIL }] });
  ddb.on(PutCommand).resolves({});
});

function table(status: string, stance: string) {
  ddb.on(GetCommand).callsFake((input: { Key: { PK: string; SK: string } }) => ({
    Item: sameKey(input.Key, proposalKey(PROPOSAL))
      ? proposal(status)
      : sameKey(input.Key, replyKey(PROPOSAL, REPLY))
        ? reply(stance)
        : undefined,
  }));
}

describe('reclassifyReply', () => {
  it('refuses when another manager changed the reply first, and writes nothing else', async () => {
    table('consulting', 'unclassified');
    failUpdatesWhere((key) => sameKey(key, replyKey(PROPOSAL, REPLY)));
    await expect(reclassify('concerns', 'Rang the clerk.', 'm@police.example')).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(updates()).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('moves a counted consultee only on condition that it is still the old stance of this reply', async () => {
    table('consulting', 'unclassified');
    // The consultee already shows the new stance (a retry after a failure half-way): no second count.
    failUpdatesWhere((key) => sameKey(key, consulteeKey(PROPOSAL, EMAIL)));
    const result = await reclassify('concerns', 'Rang the clerk.', 'm@police.example');
    expect(result).toMatchObject({ changed: true, counted: false, readStance: 'unclassified' });
    const consultee = updates().find((u) => sameKey(u.Key, consulteeKey(PROPOSAL, EMAIL)));
    expect(consultee?.ConditionExpression).toContain('#replyId = :replyId');
    expect(consultee?.ConditionExpression).toContain('#stance <> :stance');
    const onReply = updates().find((u) => sameKey(u.Key, replyKey(PROPOSAL, REPLY)));
    expect(onReply?.ConditionExpression).toContain('#stance = :previous');
    expect(onReply?.ExpressionAttributeValues?.[':r']).toMatchObject({
      readStance: 'unclassified',
      stance: 'concerns',
      reason: 'Rang the clerk.',
    });
  });

  it('a retry after a crash between the reply and the proposal notes the correction once, as first made', async () => {
    // The first attempt changed the reply, then died before the proposal's note: the reply shows it.
    const made = {
      readStance: 'unclassified',
      stance: 'concerns',
      reason: 'Rang the clerk.',
      by: 'a@police.example',
      at: '2026-12-01T10:00:00.000Z',
    };
    ddb.on(GetCommand).callsFake((input: { Key: { PK: string; SK: string } }) => ({
      Item: sameKey(input.Key, proposalKey(PROPOSAL))
        ? proposal('consulting')
        : { ...reply('concerns'), reclassification: made },
    }));
    // The count had moved too: only the note was lost.
    failUpdatesWhere((key) => sameKey(key, consulteeKey(PROPOSAL, EMAIL)));
    const result = await reclassify('concerns', 'Again.', 'b@police.example');
    expect(result).toMatchObject({ changed: false });
    const note = updates().find((u) => sameKey(u.Key, proposalKey(PROPOSAL)));
    expect(note?.ExpressionAttributeValues?.[':one']).toEqual([{ replyId: REPLY, ...made }]);
    // Once: conditional on this correction (reply and time) not noted yet, and noting it.
    expect(note?.ConditionExpression).toContain('NOT contains(#noted, :key)');
    expect(note?.ExpressionAttributeValues?.[':key']).toBe(`${REPLY}#${made.at}`);
    expect(note?.UpdateExpression).toContain('ADD #noted :keys');
    // Nothing else about the reply changes on a retry.
    expect(updates().some((u) => sameKey(u.Key, replyKey(PROPOSAL, REPLY)))).toBe(false);
  });

  it('a second note of the same correction is refused by its condition, and that is no error', async () => {
    table('consulting', 'unclassified');
    // The note (noted already) and the count (moved already) are refused by their conditions.
    failUpdatesWhere((key) => !sameKey(key, replyKey(PROPOSAL, REPLY)));
    const result = await reclassify('object', 'Rang the clerk.', 'm@police.example');
    expect(result).toMatchObject({ changed: true });
  });

  it.each(['approved', 'rejected', 'withdrawn', 'submitted'])(
    'changes nothing once the proposal is %s',
    async (status) => {
      table(status, 'unclassified');
      ddb.on(UpdateCommand).resolves({});
      await expect(reclassify('support', 'Too late now.', 'm@police.example')).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(updates()).toHaveLength(0);
    },
  );
});
