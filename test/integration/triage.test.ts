// Issues 16 and 20 (triage) on the real local stack: a reply from another address shows the stance
// read from it but stays out of the tally until a manager accepts it; a manager sets the stance of
// an unclassified reply with a reason, once; both are in the timeline; the decision record keeps
// the stance read beside the corrected one; the CLI does the same.
import { describe, expect, it } from 'vitest';
import { triageCommand } from '../../cli/commands/triage.js';
import type { LocalStackClient } from '../../local/client.js';
import { proposalInput, useTestStack } from '../support/stack.js';
import { webSession } from '../support/web.js';

interface Row {
  name: string;
  email: string;
  status: string;
  stance: string | null;
  senderMismatch: boolean;
  stanceReason: string | null;
  readStance: string | null;
  replyId: string | null;
  heldReply: { replyId: string; from: string; stance: string; stanceReason: string; comment: string } | null;
}
interface Detail {
  status: string;
  reference: string;
  consultation: {
    tally: Record<string, number>;
    consultees: Row[];
    replies: { replyId: string; stance: string; readStance?: string }[];
  };
  decision: { consultation: Record<string, unknown> } | null;
  timeline: { event: string; detail: string }[];
}

let client: LocalStackClient;
useTestStack((stack) => {
  client = stack.client;
});

const detail = async (id: string) => (await client.api<Detail>('manager', 'GET', `/proposals/${id}`)).body;
const JSON_TYPE = { 'content-type': 'application/json' };
const post = (role: 'manager' | 'auditor', path: string, body: unknown) =>
  client.api<{ error?: string; issues?: { path: string }[]; changed?: boolean; counted?: boolean }>(
    role,
    'POST',
    path,
    JSON.stringify(body),
    JSON_TYPE,
  );

describe('triage of replies', () => {
  const input = proposalInput({ consultees: 3, tag: 'triage' });
  const [first, second, third] = input.consultees.map((c) => c.email) as [string, string, string];
  let proposalId = '';
  let reference = '';

  it('shows the stance read from a reply sent from another address, and leaves it out of the tally', async () => {
    ({ proposalId, reference } = await client.openProposal(input));
    for (const email of [first, second, third]) {
      await client.waitFor('the letter', async () => (await client.mailTo(email, reference)).length > 0);
    }
    await client.replyAsConsultee(
      first,
      reference,
      'Will objections be published with the names of those who object?',
    );
    await client.replyAsConsultee(
      second,
      reference,
      'Cllr Patel has asked me to say that she objects to the proposal.',
      '',
      'clerk@parish-office.example',
    );
    // A reply is stored before its consultee row and the counts are written: wait for all three.
    const d = await client.waitFor('both replies on their consultees', async () => {
      const now = await detail(proposalId);
      const rows = now.consultation.consultees as Row[];
      const settled =
        now.consultation.replies.length === 2 &&
        // The held reply is read from the stored reply; the row's flag is a later write.
        rows.find((c) => c.email === second)?.senderMismatch === true &&
        Boolean(rows.find((c) => c.email === second)?.heldReply) &&
        rows.find((c) => c.email === first)?.status === 'responded' &&
        now.consultation.tally.unclassified === 1;
      return settled ? now : undefined;
    });
    const held = d.consultation.consultees.find((c) => c.email === second) as Row;
    expect(held.senderMismatch).toBe(true);
    expect(held.stance).toBeNull();
    expect(held.heldReply).toMatchObject({ from: 'clerk@parish-office.example', stance: 'object' });
    expect(held.heldReply?.stanceReason).toContain('objects');
    expect(held.heldReply?.comment).toContain('Cllr Patel');
    expect(d.consultation.tally).toEqual({ support: 0, concerns: 0, object: 0, unclassified: 1 });
    const asked = d.consultation.consultees.find((c) => c.email === first) as Row;
    expect(asked).toMatchObject({ stance: 'unclassified', status: 'responded' });
    expect(asked.stanceReason).toContain('a question');

    // The manager's page: sender, comment, stance read and an Accept button; the auditor's: no buttons.
    const page = async (role: 'manager' | 'auditor') => {
      const cookie = await webSession(client.apiUrl, role, `${role}-triage`);
      return (await fetch(`${client.apiUrl}/app/proposals/${proposalId}`, { headers: { cookie } })).text();
    };
    const manager = await page('manager');
    expect(manager).toContain('clerk@parish-office.example');
    expect(manager).toContain('Cllr Patel has asked me');
    expect(manager).toMatch(/Stance read<\/dt><dd>Object/);
    expect(manager).toContain('Accept this reply');
    expect(manager).toContain('Set the stance');
    const auditor = await page('auditor');
    expect(auditor).toMatch(/Stance read<\/dt><dd>Object/);
    expect(auditor).not.toContain('Accept this reply');
    expect(auditor).not.toContain('Save the stance');
  });

  it('sets the stance of an unclassified reply once, with a reason, and refuses bad input', async () => {
    const d = await detail(proposalId);
    const replyId = (d.consultation.consultees.find((c) => c.email === first) as Row).replyId as string;
    const path = `/proposals/${proposalId}/replies/${replyId}/stance`;
    const reason = 'Asked for the location only; confirmed by phone that she has concerns.';

    expect((await post('auditor', path, { stance: 'concerns', reason })).status).toBe(403);
    const badStance = await post('manager', path, { stance: 'maybe', reason });
    expect(badStance.status).toBe(400);
    expect(badStance.body.issues?.map((i) => i.path)).toEqual(['stance']);
    const noReason = await post('manager', path, { stance: 'concerns', reason: ' ok ' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.issues?.map((i) => i.path)).toEqual(['reason']);
    expect((await detail(proposalId)).consultation.tally.unclassified).toBe(1);

    const done = await post('manager', path, { stance: 'concerns', reason });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ changed: true, counted: true });
    // The same correction again (a double click, a retry) changes nothing and counts nothing twice.
    const again = await post('manager', path, { stance: 'concerns', reason });
    expect(again.body).toMatchObject({ changed: false });
    const after = await detail(proposalId);
    expect(after.consultation.tally).toEqual({ support: 0, concerns: 1, object: 0, unclassified: 0 });
    const row = after.consultation.consultees.find((c) => c.email === first) as Row;
    expect(row).toMatchObject({ stance: 'concerns', readStance: 'unclassified' });
    expect(row.stanceReason).toContain(reason);
    const events = after.timeline.filter((e) => e.event === 'reply-reclassified');
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toContain('from unclassified to concerns');
    expect(events[0]?.detail).toContain(reason);
  });

  it('counts a reply from another address once a manager accepts it with a reason (CLI)', async () => {
    const options = { api: client.apiUrl };
    process.env.DPIA_TOKEN = await client.token('manager', 'cli-manager@police.example');
    try {
      const listing = await triageCommand(proposalId, options);
      expect(listing).toContain('1 of 2 replies to triage');
      expect(listing).toContain('from another address: clerk@parish-office.example');
      const held = (await detail(proposalId)).consultation.consultees.find((c) => c.email === second) as Row;
      const short = held.heldReply?.replyId.slice(0, 12) as string;
      await expect(triageCommand(proposalId, { ...options, reply: short, accept: true })).rejects.toThrow(
        /reason/,
      );
      const accepted = await triageCommand(proposalId, {
        ...options,
        reply: short,
        accept: true,
        reason: 'The parish clerk answers for Cllr Patel, who has no e-mail of her own.',
      });
      expect(accepted).toContain('it now counts (object)');
    } finally {
      delete process.env.DPIA_TOKEN;
    }
    const d = await detail(proposalId);
    expect(d.consultation.tally).toEqual({ support: 0, concerns: 1, object: 1, unclassified: 0 });
    expect(
      d.timeline.some((e) => e.event === 'reply-accepted' && e.detail.includes('no e-mail of her own')),
    ).toBe(true);
  });

  it('keeps the stance read beside the corrected one in the decision record', async () => {
    await client.replyAsConsultee(third, reference, 'SUPPORT');
    await client.waitForStatus(proposalId, ['awaiting-approval']);
    const link = await client.waitForReviewLink(input.approver.email, reference);
    const decided = await client.postSignedForm(link, {
      outcome: 'rejected',
      rationale: 'The concerns about the location and retention are not answered yet.',
      consulteeResponse:
        'One consultee supported the camera; their support does not outweigh the open concerns.',
    });
    expect(decided.status).toBe(200);
    await client.waitForStatus(proposalId, ['rejected']);
    const d = await detail(proposalId);
    expect(d.decision?.consultation).toMatchObject({
      tally: { support: 1, concerns: 1, object: 1, unclassified: 0 },
      reclassified: [{ readStance: 'unclassified', stance: 'concerns', by: 'manager@police.example' }],
    });
    // Decided: no more triage.
    const replyId = (d.consultation.consultees.find((c) => c.email === first) as Row).replyId as string;
    const late = await post('manager', `/proposals/${proposalId}/replies/${replyId}/stance`, {
      stance: 'support',
      reason: 'Too late to change anything now.',
    });
    expect(late.status).toBe(409);
  });
});
