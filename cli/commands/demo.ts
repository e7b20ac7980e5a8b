// dpia demo: the whole lifecycle on a fresh temporary local stack, each step printed: a proposal
// with five consultees (support, concerns, an objection, an out-of-office and a late reply), the
// DPO's advice through the mailed advice link, the approval through the mailed review link, and
// the verified decision chain.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { LocalStackClient } from '../../local/client.js';
import { startScratchStack } from '../../local/scratch.js';
import { count } from '../words.js';

const DEADLINE_SECONDS = 12;

export async function demoCommand(
  print: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  options: { out?: string } = {},
) {
  const scratch = await startScratchStack('demo');
  const { stack, client } = scratch;
  try {
    print(
      `1. Started a fresh local stack: API ${stack.urls.api}, SES ${stack.urls.ses}, SMTP ${stack.urls.smtp}`,
    );

    const example = JSON.parse(
      readFileSync(new URL('../../examples/anpr-tenterden.json', import.meta.url), 'utf8'),
    ) as {
      consultees: { name: string; email: string }[];
      approver: { email: string };
      dpo: { name: string; email: string };
      responseDeadline: string;
    };
    example.consultees = example.consultees.slice(0, 5);
    example.responseDeadline = new Date(Date.now() + DEADLINE_SECONDS * 1000).toISOString();
    const [support, concerns, object, away, late] = example.consultees.map((c) => c.email) as [
      string,
      string,
      string,
      string,
      string,
    ];

    const created = await client.api<{ proposalId: string; reference: string }>(
      'manager',
      'POST',
      '/proposals',
      example,
    );
    if (created.status !== 201) throw new Error(`opening the proposal failed: ${created.text}`);
    const { proposalId, reference } = created.body;
    print(`2. Manager opened ${reference} (${proposalId}): 5 consultees, deadline in ${DEADLINE_SECONDS} s`);

    await client.waitForStatus(proposalId, ['consulting']);
    const detail = await client.api<{ pressingNeed: { score: number; band: string } }>(
      'manager',
      'GET',
      `/proposals/${proposalId}`,
    );
    print(`3. Pressing need scored ${detail.body.pressingNeed.score}/100: ${detail.body.pressingNeed.band}`);
    await client.waitFor('5 consultation mails', async () => {
      const counts = await Promise.all(example.consultees.map((c) => client.mailTo(c.email, reference)));
      return counts.every((m) => m.length > 0) ? true : undefined;
    });
    print(`4. Consultation mailed to 5 consultees (see ${stack.urls.ses}/store); no mail names the site`);

    await client.replyAsConsultee(support, reference, 'SUPPORT', 'Vehicle crime has been rising here.');
    print(`5. ${support} replied: SUPPORT`);
    await client.replyAsConsultee(concerns, reference, 'CONCERNS', 'Who can see the data, and for how long?');
    print(`6. ${concerns} replied: CONCERNS`);
    await client.replyAsConsultee(object, reference, 'OBJECT', 'Cameras on every road into town go too far.');
    print(`7. ${object} replied: OBJECT`);
    const awayMail = (await client.mailTo(away, reference))[0];
    await client.sendMail({
      from: away,
      to: awayMail?.replyTo?.[0] ?? '',
      subject: `Automatic reply: ${awayMail?.subject ?? reference}`,
      text: 'I am out of the office until Monday with limited access to e-mail.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    print(`8. ${away} sent an out-of-office auto-reply (kept, not counted)`);

    print(`9. Waiting for the response deadline...`);
    await client.waitForStatus(proposalId, ['awaiting-dpo-advice'], (DEADLINE_SECONDS + 20) * 1000);
    await client.replyAsConsultee(late, reference, 'SUPPORT', 'Sorry for the delay.');
    print(`10. ${late} replied after the deadline: kept as late, left out of the tally`);
    const tallied = await client.waitFor('the late reply', async () => {
      const d = await client.api<{ consultation: { late: number; tally: Record<string, number> } }>(
        'manager',
        'GET',
        `/proposals/${proposalId}`,
      );
      return d.body.consultation.late >= 1 ? d.body.consultation : undefined;
    });
    const t = tallied.tally;
    print(
      `11. Consultation closed: support ${t.support}, concerns ${t.concerns}, object ${t.object}, unclassified ${t.unclassified}; late ${tallied.late}`,
    );

    const adviceLink = await client.waitForAdviceLink(example.dpo.email, reference);
    const advised = await client.postSignedForm(adviceLink, {
      recommendation: 'proceed-with-conditions',
      advice:
        'Lawful under DPA 2018 Part 3 and proportionate to the need shown; proceed once the back-office link is encrypted (principle 9).',
    });
    if (advised.status !== 200) throw new Error(`the DPO's advice was refused: HTTP ${advised.status}`);
    print(`12. ${example.dpo.name} (DPO) advised through the mailed link: proceed with conditions`);
    await client.waitForStatus(proposalId, ['awaiting-approval']);

    const link = await client.waitForReviewLink(example.approver.email, reference);
    const page = await client.api(null, 'GET', link);
    print(
      `13. Approver opened the review link from the mail (the DPO's advice is on it): HTTP ${page.status}`,
    );
    const url = new URL(link, client.apiUrl);
    const form = new URLSearchParams({
      sig: url.searchParams.get('sig') ?? '',
      outcome: 'approved',
      rationale:
        'A clear pressing need; the concerns raised are met by the 90-day access limit and annual review.',
      conditions:
        'Encrypt the back-office link before go-live (principle 9); review the camera after twelve months and report the read rate to the council.',
      dpoAdvice: 'accepted',
      // Issue 19: the approval departs from the objection, so its reasons address it.
      consulteeResponse:
        'The objection that cameras on every road go too far is met by a single camera, the 90-day access limit and the annual review.',
    });
    const decided = await client.api(null, 'POST', url.pathname, form.toString(), {
      'content-type': 'application/x-www-form-urlencoded',
    });
    if (decided.status !== 200) throw new Error(`the decision was refused: HTTP ${decided.status}`);
    await client.waitForStatus(proposalId, ['approved']);
    const final = await client.api<{
      decision: { decisionId: string; outcome: string; hash: string; sequence: number };
    }>('manager', 'GET', `/proposals/${proposalId}`);
    const d = final.body.decision;
    print(
      `14. Decision ${d.decisionId}: ${d.outcome}, chain position ${d.sequence}, hash ${d.hash.slice(0, 16)}...`,
    );

    const verify = await client.api<{ ok: boolean; checked: number }>('auditor', 'GET', '/audit/verify');
    if (!verify.body.ok) throw new Error('the decision chain did not verify');
    print(`15. Auditor verified the decision chain: ${count(verify.body.checked, 'record')} intact`);
    const dir = resolve(options.out ?? join(tmpdir(), 'dpia-demo'));
    const files = await writeDocument(client, proposalId, dir);
    print(`16. The DPIA document, as signed, is in ${dir}: ${files.join(', ')}`);
    print('Demo complete.');
  } finally {
    await scratch.close();
  }
}

/** The decided proposal's DPIA, full and public editions, as HTML and PDF, written into `dir`. */
async function writeDocument(client: LocalStackClient, proposalId: string, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const token = await client.token('manager');
  const written: string[] = [];
  for (const path of ['dpia', 'dpia.pdf', 'dpia?edition=public', 'dpia.pdf?edition=public']) {
    const response = await fetch(`${client.apiUrl}/proposals/${proposalId}/${path}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (response.status !== 200)
      throw new Error(`the DPIA document (${path}) failed: HTTP ${response.status}`);
    const name = /filename="([^"/]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1];
    if (!name) throw new Error(`the DPIA document (${path}) came without a file name`);
    writeFileSync(join(dir, name), Buffer.from(await response.arrayBuffer()));
    written.push(name);
  }
  return written;
}
