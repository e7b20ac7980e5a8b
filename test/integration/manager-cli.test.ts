import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replyArgs, runDpia } from '../support/cli.js';
import { freePort } from '../support/ports.js';
import { proposalInput, type TestStack, useTestStack } from '../support/stack.js';

let t: TestStack;

useTestStack((stack) => {
  t = stack;
});

const dpia = (args: string[], ports: Partial<Record<'api' | 'ses' | 'smtp', number>> = {}) =>
  runDpia(t.stack.config, args, { ports });

async function propose(tag: string, consultees = 2) {
  const input = proposalInput({ consultees, tag });
  // In the stack's data directory, which goes with the stack.
  const file = join(t.dataDir, `proposal-${tag}.json`);
  writeFileSync(file, JSON.stringify(input));
  const run = await dpia(['propose', file, '--deadline', '20d']);
  expect(run.code, run.stderr).toBe(0);
  const [reference, proposalId] = run.stdout.trim().split(/\s+/) as [string, string];
  await t.client.waitForStatus(proposalId, ['consulting']);
  await t.client.waitFor('the consultation mail', async () =>
    (await t.client.mailTo(input.consultees[consultees - 1]?.email as string, reference)).length
      ? true
      : undefined,
  );
  return { input, reference, proposalId };
}

describe('dpia with a reference', () => {
  it('shows the status and the evidence of a proposal named by its reference, and sets the deadline from --deadline', async () => {
    const { reference, proposalId } = await propose('ref');
    const status = await dpia(['status', reference]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${reference}  `);
    expect(status.stdout).toContain('2 consultees: mailed 2');
    const json = JSON.parse((await dpia(['status', reference.toLowerCase(), '--json'])).stdout);
    expect(json.proposalId).toBe(proposalId);
    const days = (Date.parse(json.responseDeadline) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(20);
    const evidence = await dpia(['evidence', reference]);
    expect(evidence.code, evidence.stderr).toBe(0);
    expect(JSON.parse(evidence.stdout).evidencePack.reference).toBe(reference);
  });

  it('says plainly when no proposal has that reference or id: a sentence, no class name', async () => {
    const unknownRef = await dpia(['status', 'DPIA-1999-0001']);
    expect(unknownRef.code).toBe(1);
    expect(unknownRef.stderr.trim()).toBe(
      'There is no proposal DPIA-1999-0001. Check the reference, or give the proposal id.',
    );
    const unknownId = await dpia(['evidence', 'no-such-proposal']);
    expect(unknownId.code).toBe(1);
    expect(unknownId.stderr.trim()).toBe('No proposal with id no-such-proposal.');
    expect(unknownId.stderr).not.toMatch(/Error\b/);
  });
});

describe('dpia mail', () => {
  it("lists the mail sent about a proposal with each consultation's Reply-To address", async () => {
    const { input, reference } = await propose('mail');
    const run = await dpia(['mail', '--reference', reference]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`2 mails sent about ${reference}, oldest first:`);
    for (const c of input.consultees) expect(run.stdout).toContain(`to ${c.email}`);
    expect(run.stdout).toMatch(/Replies go to: consult\+\S+@/);
    const one = await dpia(['mail', '--reference', reference, '--to', input.consultees[0]?.email as string]);
    expect(one.stdout.split('\n')[0]).toMatch(/^1 mail sent to /);
    const none = await dpia(['mail', '--to', 'nobody@nowhere.example']);
    expect(none.stdout.trim()).toBe('No mail sent to nobody@nowhere.example yet.');
    const json = JSON.parse((await dpia(['mail', '--reference', reference, '--json'])).stdout);
    expect(json).toHaveLength(2);
  });

  it('shows the review link once every consultee has replied and the consultation closed early', async () => {
    const { input, reference } = await propose('link', 1);
    const reply = await dpia(
      replyArgs(reference, input.consultees[0]?.email as string, 'support', 'Yes please.'),
    );
    expect(reply.code, reply.stderr).toBe(0);
    const listed = await t.client.waitFor('the review link in dpia mail', async () => {
      const run = await dpia(['mail', '--reference', reference, '--to', input.approver.email]);
      return /Review link: http\S+\/review\/\S+\?sig=\S+/.test(run.stdout) ? run.stdout : undefined;
    });
    const link = new URL(/Review link: (\S+)/.exec(listed)?.[1] as string);
    expect((await t.client.api(null, 'GET', `${link.pathname}${link.search}`)).status).toBe(200);
  });
});

describe('dpia withdraw', () => {
  it('needs a reason, withdraws by reference, records the reason and tells the consultees', async () => {
    const { input, reference, proposalId } = await propose('withdraw');
    const noReason = await dpia(['withdraw', reference, '--reason', '  ']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('Give the reason');
    const tooShort = await dpia(['withdraw', reference, '--reason', 'No.']);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr.trim()).toBe('reason: Must be at least 10 characters');
    expect(
      (await t.client.api<{ status: string }>('manager', 'GET', `/proposals/${proposalId}`)).body.status,
    ).toBe('consulting');

    const run = await dpia(['withdraw', reference, '--reason', 'The junction is to be rebuilt next year.']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(`${reference} withdrawn; 3 people told by mail.`);
    const status = await dpia(['status', reference]);
    expect(status.stdout).toContain('Status: withdrawn');
    expect(status.stdout).toContain('Reason: The junction is to be rebuilt next year.');
    const mails = await t.client.mailTo(input.consultees[0]?.email as string, reference);
    expect(mails.at(-1)?.subject).toMatch(/^Withdrawn: /);
    expect(mails.at(-1)?.body?.text).toContain(
      'Why it was withdrawn: The junction is to be rebuilt next year.',
    );

    const again = await dpia(['withdraw', reference, '--reason', 'The junction is to be rebuilt next year.']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`Proposal ${reference} is withdrawn and can no longer be withdrawn.`);
  });
});

describe('when the local stack is not running', () => {
  it('asks whether it is, for the API and for the SES store', async () => {
    const port = await freePort();
    const status = await dpia(['status', 'DPIA-2026-0001'], { api: port });
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(
      /^Cannot reach the camera-dpia API at .+: is the local stack running \(npm start\)\?\n$/,
    );
    const mail = await dpia(['mail'], { ses: port });
    expect(mail.code).toBe(1);
    expect(mail.stderr).toMatch(
      /^Cannot reach the SES store at .+: is the local stack running \(npm start\)\?\n$/,
    );
  });
});

describe('dpia reply', () => {
  it('replies only from an address the consultation mail was sent to, and says so otherwise', async () => {
    const { reference } = await propose('noreply', 1);
    const run = await dpia(replyArgs(reference, 'stranger@nowhere.example', 'object'));
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `No consultation mail for ${reference} reached stranger@nowhere.example: reply from an address it was sent to (dpia mail --reference ${reference} lists them).`,
    );
  });
});
