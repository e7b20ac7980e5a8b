// Issue 15, the role matrix: every route of functions/routes.ts answered for every kind of caller
// (no credential, a manager's token, an auditor's token, the approver's signed link, the DPO's
// signed link, a signed link of the wrong kind) on the real local stack. Any answer not in the
// table fails, and so does a route the table does not list.
import { describe, expect, it } from 'vitest';
import { routeKey, routeTable, WEB_PAGES } from '../../functions/routes.js';
import type { LocalStackClient } from '../../local/client.js';
import { reportSoak } from '../reliability/summary.js';
import { answerLetter, insufficientInput, proposalInput, useTestStack } from '../support/stack.js';

type Role = 'none' | 'manager' | 'auditor' | 'approver' | 'dpo' | 'wrong';
const ROLES: Role[] = ['none', 'manager', 'auditor', 'approver', 'dpo', 'wrong'];

/**
 * The expected status per role. Token routes: 401 without a token (links are not tokens), 403 for
 * the wrong role, and for the right one the answer its (deliberately empty or harmless) request
 * gets. Link routes: 403 unless the signature is that link's own.
 */
const MATRIX: Record<string, string> = {
  'POST /proposals': '401 400 403 401 401 401',
  'GET /proposals': '401 200 200 401 401 401',
  'GET /proposals/{id}': '401 200 200 401 401 401',
  'GET /proposals/{id}/evidence': '401 403 200 401 401 401',
  'GET /proposals/{id}/dpia': '401 200 200 401 401 401',
  'GET /proposals/{id}/dpia.pdf': '401 200 200 401 401 401',
  'POST /proposals/{id}/withdraw': '401 409 403 401 401 401',
  'POST /proposals/{id}/redrive': '401 409 403 401 401 401',
  'POST /proposals/{id}/review-link': '401 409 403 401 401 401',
  'POST /proposals/{id}/ico-consultation': '401 400 403 401 401 401',
  'PUT /proposals/{id}/assessment': '401 400 403 401 401 401',
  'POST /proposals/{id}/conditions/{n}/done': '401 400 403 401 401 401',
  'GET /conditions/open': '401 200 200 401 401 401',
  'POST /proposals/{id}/replies/{replyId}/accept': '401 409 403 401 401 401',
  'POST /proposals/{id}/replies/{replyId}/stance': '401 400 403 401 401 401',
  'GET /review/{reviewId}': '403 403 403 200 403 403',
  'POST /review/{reviewId}': '403 403 403 400 403 403',
  'GET /dpo/{adviceId}': '403 403 403 403 200 403',
  'POST /dpo/{adviceId}': '403 403 403 403 400 403',
  'GET /review/{reviewId}/dpia': '403 403 403 200 403 403',
  'GET /dpo/{adviceId}/dpia': '403 403 403 403 200 403',
  'GET /app/proposals/{id}/dpia.pdf': '303 303 303 303 303 303',
  'GET /decisions': '401 403 200 401 401 401',
  'GET /decisions/{decisionId}': '401 403 200 401 401 401',
  'GET /audit/verify': '401 403 200 401 401 401',
  'GET /reviews/due': '401 200 200 401 401 401',
  'GET /register': '200 200 200 200 200 200',
  'GET /register.csv': '200 200 200 200 200 200',
  'GET /register.json': '200 200 200 200 200 200',
  'GET /register/{reference}/dpia': '404 404 404 404 404 404',
};

let client: LocalStackClient;
let ids: Record<string, string>;
let reviewSig: string;
let adviceSig: string;

useTestStack(async (stack) => {
  client = stack.client;
  // A: names a DPO and waits for the advice (a live DPO link). B: waits for the approver (a live
  // review link). C: rejected by the system at once (a decision, and a decided proposal).
  const a = await client.openProposal(proposalInput({ consultees: 1, tag: 'matrix-a', dpo: true }));
  const b = await client.openProposal(proposalInput({ consultees: 1, tag: 'matrix-b' }));
  const c = await client.openProposal(insufficientInput());
  for (const [p, tag] of [
    [a, 'matrix-a'],
    [b, 'matrix-b'],
  ] as const) {
    await client.waitForStatus(p.proposalId, ['consulting']);
    const email = proposalInput({ consultees: 1, tag }).consultees[0]?.email as string;
    await answerLetter(client, email, p.reference, 'SUPPORT');
  }
  await client.waitForStatus(a.proposalId, ['awaiting-dpo-advice']);
  await client.waitForStatus(b.proposalId, ['awaiting-approval']);
  const decided = await client.waitForStatus(c.proposalId, ['rejected']);
  const advice = new URL(
    await client.waitFor('the advice link', () =>
      client
        .adviceLink(proposalInput({ dpo: true }).dpo?.email as string, a.reference)
        .catch(() => undefined),
    ),
    client.apiUrl,
  );
  const review = new URL(
    await client.waitForReviewLink(proposalInput().approver.email, b.reference),
    client.apiUrl,
  );
  adviceSig = advice.searchParams.get('sig') ?? '';
  reviewSig = review.searchParams.get('sig') ?? '';
  const decision = (decided as unknown as { decisionId?: string }).decisionId ?? 'DEC-000001';
  ids = {
    id: c.proposalId,
    replyId: 'a'.repeat(64),
    reviewId: review.pathname.split('/')[2] ?? '',
    adviceId: advice.pathname.split('/')[2] ?? '',
    decisionId: decision,
    reference: 'DPIA-2026-9999',
    n: '1',
  };
}, 90_000);

async function call(method: string, path: string, role: Role): Promise<number> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? name);
  const link = path.startsWith('/review/') || path.startsWith('/dpo/');
  const sig = {
    approver: reviewSig,
    dpo: adviceSig,
    wrong: path.startsWith('/review/') ? adviceSig : reviewSig,
  }[role as 'approver' | 'dpo' | 'wrong'];
  const token = role === 'manager' || role === 'auditor' ? role : null;
  if (link) {
    const query = method === 'GET' && sig ? `?sig=${encodeURIComponent(sig)}` : '';
    const body = method === 'POST' ? new URLSearchParams(sig ? { sig } : {}).toString() : undefined;
    const headers = method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {};
    return (await client.api(token, method, `${url}${query}`, body, headers)).status;
  }
  return (await client.api(token, method, url, method === 'POST' || method === 'PUT' ? {} : undefined))
    .status;
}

describe('the role matrix', () => {
  it('lists every route', () => {
    const apiRoutes = routeTable.filter((r) => !(r.function in WEB_PAGES)).map(routeKey);
    expect(Object.keys(MATRIX).sort()).toEqual(apiRoutes.sort());
  });

  it('answers every route and every caller exactly as the table says', async () => {
    const differences: string[] = [];
    for (const [key, row] of Object.entries(MATRIX)) {
      const [method, path] = key.split(' ') as [string, string];
      const expected = row.split(' ').map(Number);
      for (const [i, role] of ROLES.entries()) {
        const status = await call(method, path, role);
        if (status !== expected[i])
          differences.push(`${key} as ${role}: ${status}, table says ${expected[i]}`);
      }
    }
    reportSoak('role matrix', {
      routes: Object.keys(MATRIX).length,
      callers: ROLES.length,
      answers: Object.keys(MATRIX).length * ROLES.length,
      unexpected: differences.length,
    });
    expect(differences).toEqual([]);
  }, 120_000);
});
