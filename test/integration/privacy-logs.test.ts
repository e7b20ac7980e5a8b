// Issue 15, privacy: a whole lifecycle at debug level (mail out and in, the DPO, the approver, the
// document, the evidence pack, the register) writes no log line that carries the site, its
// coordinates, a person's name or e-mail address, a reply token or a link signature.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportSoak } from '../reliability/summary.js';
import { type Planted, plantedProposal, plantedStrings } from '../support/planted.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const PLANTED: Planted = {
  site: 'Quillfeather Lane lamp column QF-7731',
  latitude: 51.246813,
  longitude: 0.975319,
  consultee: 'Cllr Ottoline Pembervast',
  consulteeEmail: 'o.pembervast@quill-parish.example',
  approver: 'Ch Supt Hermione Drabwell',
  approverEmail: 'h.drabwell@quill-police.example',
  dpo: 'Ms Isadora Veltmoor',
  dpoEmail: 'i.veltmoor@quill-police.example',
};
const FORBIDDEN = plantedStrings(PLANTED).map(([, value]) => value);

const lines: string[] = [];
let t: TestStack;

beforeAll(async () => {
  process.env.DPIA_LOG_LEVEL = 'debug';
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      for (const line of text.split('\n')) if (line.startsWith('{"level"')) lines.push(line);
      return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    });
  }
  t = await startTestStack();
});
afterAll(async () => {
  vi.restoreAllMocks();
  delete process.env.DPIA_LOG_LEVEL;
  await t?.close();
});

describe('the logs of a whole lifecycle', () => {
  it('carry ids and references only', async () => {
    const { client } = t;
    const { input, first, second } = plantedProposal(PLANTED, 'privacy');

    const { proposalId, reference } = await client.openProposal(input);
    await client.waitForStatus(proposalId, ['consulting']);
    await client.waitFor(
      'both letters',
      async () => (await client.mailTo(second.email, reference)).length > 0,
    );
    await client.replyAsConsultee(first.email, reference, 'SUPPORT', `Signed ${PLANTED.consultee}.`);
    await client.replyAsConsultee(
      second.email,
      reference,
      'CONCERNS',
      'Sent by the clerk.',
      'clerk@quill-parish.example',
    );
    await client.replyAsConsultee(second.email, reference, 'CONCERNS', 'Who sees the data?');
    await client.waitForStatus(proposalId, ['awaiting-dpo-advice']);
    const advice = new URL(await client.waitForAdviceLink(PLANTED.dpoEmail, reference), client.apiUrl);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await client.api(
      null,
      'POST',
      advice.pathname,
      new URLSearchParams({
        sig: 'forged-signature',
        recommendation: 'proceed',
        advice: 'x'.repeat(30),
      }).toString(),
      form,
    );
    await client.postSignedForm(advice, { recommendation: 'proceed', advice: `Lawful; ${PLANTED.dpo}.` });
    await client.waitForStatus(proposalId, ['awaiting-approval']);
    const review = new URL(await client.waitForReviewLink(PLANTED.approverEmail, reference), client.apiUrl);
    await client.api(null, 'GET', `${review.pathname}?sig=not-the-signature`);
    await client.postSignedForm(review, {
      outcome: 'approved',
      rationale: `A clear pressing need at ${PLANTED.site}; the concerns are answered.`,
      // Issue 19: a decision against a consultee's view gives reasons that address it.
      consulteeResponse:
        'The objection and concerns are met by the 90-day access limit, the annual review and not disclosing the site.',
      conditions: 'Encrypt the back-office link (principle 9) before go-live.',
      dpoAdvice: 'accepted',
    });
    await client.waitForStatus(proposalId, ['approved']);
    await client.api('auditor', 'GET', `/proposals/${proposalId}/dpia`);
    await client.api('auditor', 'GET', `/proposals/${proposalId}/evidence`);
    await client.api(null, 'GET', '/register.json');
    await client.api('manager', 'POST', '/proposals', {
      ...input,
      consultees: [{ name: `${PLANTED.consultee}\r\nBcc: x`, email: PLANTED.consulteeEmail }],
    });

    expect(lines.length).toBeGreaterThan(20); // the lifecycle did log, at debug level
    const everything = lines.join('\n');
    expect(everything).toContain(reference); // ...with the reference, as logs should
    for (const secret of FORBIDDEN) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/); // no e-mail address of anyone
    expect(everything).not.toMatch(/consult\+[0-9a-f]{16,}/i); // no reply token
    expect(everything).not.toMatch(/sig=|forged-signature|not-the-signature/); // no link signature
    reportSoak('privacy', { logLines: lines.length, forbidden: FORBIDDEN.length, found: 0 });
  });
});
