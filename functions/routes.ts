// The one HTTP route table: API Gateway routes on AWS and the local HTTP API both come from it.
export type RouteAuth = 'jwt' | 'none';

export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** API Gateway route syntax: `/proposals/{id}`. */
  path: string;
  /** Name of the function in functions/registry.ts that serves it. */
  function: string;
  /** `jwt`: the API's JWT authorizer runs first (the handler still checks the role itself). */
  auth: RouteAuth;
}

/**
 * The web pages (functions/web/), by the function that serves them: one function per route group
 * (issue 17), so each bundles only its own pages' use cases. No authorizer: each page checks its own
 * session cookie. Each function's module exports PAGES with exactly these keys (test/unit/web-pages.test.ts).
 */
export const WEB_PAGES: Record<string, string[]> = {
  // Signing in and out, the front page and the two pages a signed-in person lands on.
  'web-home': [
    'GET /',
    'GET /sign-in',
    'POST /sign-in',
    'POST /sign-out',
    'GET /app',
    'GET /app/auth/callback',
    'GET /app/proposals',
    'GET /app/dashboard',
  ],
  'web-proposal': ['GET /app/proposals/{id}'],
  // The new-proposal form, and its post (drafts, consultees from CSV, the proposal opened).
  'web-proposal-form': ['GET /app/proposals/new'],
  'web-proposal-create': ['POST /app/proposals'],
  // A proposal's governance: the assessment, its conditions, the ICO consultation, a new review link.
  'web-assessment': [
    'GET /app/proposals/{id}/assessment',
    'POST /app/proposals/{id}/assessment',
    'POST /app/proposals/{id}/conditions/{n}/done',
    'POST /app/proposals/{id}/ico-consultation',
    'POST /app/proposals/{id}/review-link',
  ],
  // What changes the consultation: a reply's stance corrected or accepted, and withdrawal.
  'web-consultation': [
    'POST /app/proposals/{id}/replies/{replyId}/stance',
    'POST /app/proposals/{id}/replies/{replyId}/accept',
    'GET /app/proposals/{id}/withdraw',
    'POST /app/proposals/{id}/withdraw',
  ],
  'web-documents': ['GET /app/proposals/{id}/dpia', 'GET /app/proposals/{id}/evidence'],
  // The auditor's decision register and the chain's verification.
  'web-decisions': [
    'GET /app/decisions',
    'GET /app/decisions/export',
    'GET /app/decisions/{decisionId}',
    'GET /app/audit/verify',
  ],
};

/** A route by its key (`GET /proposals/{id}`, as API Gateway writes it), its function and its auth. */
function route(key: string, fn: string, auth: RouteAuth): RouteSpec {
  const [method, path] = key.split(' ') as [RouteSpec['method'], string];
  return { method, path, function: fn, auth };
}

export const routeTable: RouteSpec[] = [
  route('POST /proposals', 'create-proposal', 'jwt'),
  route('GET /proposals', 'list-proposals', 'jwt'),
  route('GET /proposals/{id}', 'get-proposal', 'jwt'),
  // SPEC 10: the evidence pack (auditor).
  route('GET /proposals/{id}/evidence', 'get-evidence', 'jwt'),
  // SPEC 11: the DPIA document (manager, auditor; ?edition=public), HTML and PDF.
  route('GET /proposals/{id}/dpia', 'get-dpia', 'jwt'),
  route('GET /proposals/{id}/dpia.pdf', 'get-dpia-pdf', 'jwt'),
  route('POST /proposals/{id}/withdraw', 'withdraw-proposal', 'jwt'),
  // Issue 15: a failed lifecycle resumed at the step that failed (Step Functions RedriveExecution).
  route('POST /proposals/{id}/redrive', 'redrive-proposal', 'jwt'),
  // SPEC 10: after an approval expired, a manager asks for a fresh review link.
  route('POST /proposals/{id}/review-link', 'reissue-review-link', 'jwt'),
  // SPEC 11: the prior consultation with the Information Commissioner (DPA 2018 s.65).
  route('POST /proposals/{id}/ico-consultation', 'record-ico-consultation', 'jwt'),
  // Issue 19: the risks, the 12 principles and the rest of the assessment, completed before approval.
  route('PUT /proposals/{id}/assessment', 'update-assessment', 'jwt'),
  // Issue 19: each condition of an approval is tracked until marked done with evidence.
  route('POST /proposals/{id}/conditions/{n}/done', 'conditions', 'jwt'),
  route('GET /conditions/open', 'conditions', 'jwt'),
  // SPEC 5: a reply from another address counts once a manager accepts it.
  route('POST /proposals/{id}/replies/{replyId}/accept', 'accept-reply', 'jwt'),
  // Issue 16: a manager corrects the stance read from a reply, with a reason.
  route('POST /proposals/{id}/replies/{replyId}/stance', 'reclassify-reply', 'jwt'),
  // The review link is its own credential: an HMAC-signed, expiring, single-use signature.
  route('GET /review/{reviewId}', 'review', 'none'),
  route('POST /review/{reviewId}', 'review', 'none'),
  // SPEC 10: the DPO's advice link, signed as the review link is.
  route('GET /dpo/{adviceId}', 'dpo-advice', 'none'),
  route('POST /dpo/{adviceId}', 'dpo-advice', 'none'),
  // SPEC 11: the approver reads the DPIA document from the same signed link.
  route('GET /review/{reviewId}/dpia', 'signed-dpia', 'none'),
  // SPEC 10: the DPO reads the document so far from the advice link.
  route('GET /dpo/{adviceId}/dpia', 'signed-dpia', 'none'),
  // The PDF for the web pages: its own function (Chromium), checking the web session cookie itself.
  route('GET /app/proposals/{id}/dpia.pdf', 'web-dpia-pdf', 'none'),
  route('GET /decisions', 'list-decisions', 'jwt'),
  route('GET /decisions/{decisionId}', 'get-decision', 'jwt'),
  route('GET /audit/verify', 'verify-audit', 'jwt'),
  // SPEC 10: approved installations due for review.
  route('GET /reviews/due', 'list-reviews-due', 'jwt'),
  // SPEC 11: the public camera register and the public edition of each listed DPIA (no sign-in).
  route('GET /register', 'public-register', 'none'),
  route('GET /register.csv', 'public-register', 'none'),
  route('GET /register.json', 'public-register', 'none'),
  route('GET /register/{reference}/dpia', 'public-dpia', 'none'),
  ...Object.entries(WEB_PAGES).flatMap(([name, keys]) => keys.map((key) => route(key, name, 'none'))),
];

/** The API Gateway `routeKey` of a route, e.g. `GET /proposals/{id}`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
