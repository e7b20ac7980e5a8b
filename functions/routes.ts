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

export const routeTable: RouteSpec[] = [
  { method: 'POST', path: '/proposals', function: 'create-proposal', auth: 'jwt' },
  { method: 'GET', path: '/proposals', function: 'list-proposals', auth: 'jwt' },
  { method: 'GET', path: '/proposals/{id}', function: 'get-proposal', auth: 'jwt' },
  // SPEC 10: the evidence pack (auditor).
  { method: 'GET', path: '/proposals/{id}/evidence', function: 'get-evidence', auth: 'jwt' },
  // SPEC 11: the DPIA document (manager, auditor; ?edition=public), HTML and PDF.
  { method: 'GET', path: '/proposals/{id}/dpia', function: 'get-dpia', auth: 'jwt' },
  { method: 'GET', path: '/proposals/{id}/dpia.pdf', function: 'get-dpia-pdf', auth: 'jwt' },
  { method: 'POST', path: '/proposals/{id}/withdraw', function: 'withdraw-proposal', auth: 'jwt' },
  // Issue 15: a failed lifecycle resumed at the step that failed (Step Functions RedriveExecution).
  { method: 'POST', path: '/proposals/{id}/redrive', function: 'redrive-proposal', auth: 'jwt' },
  // SPEC 10: after an approval expired, a manager asks for a fresh review link.
  { method: 'POST', path: '/proposals/{id}/review-link', function: 'reissue-review-link', auth: 'jwt' },
  // SPEC 11: the prior consultation with the Information Commissioner (DPA 2018 s.65).
  {
    method: 'POST',
    path: '/proposals/{id}/ico-consultation',
    function: 'record-ico-consultation',
    auth: 'jwt',
  },
  // Issue 19: the risks, the 12 principles and the rest of the assessment, completed before approval.
  { method: 'PUT', path: '/proposals/{id}/assessment', function: 'update-assessment', auth: 'jwt' },
  // Issue 19: each condition of an approval is tracked until marked done with evidence.
  { method: 'POST', path: '/proposals/{id}/conditions/{n}/done', function: 'conditions', auth: 'jwt' },
  { method: 'GET', path: '/conditions/open', function: 'conditions', auth: 'jwt' },
  // SPEC 5: a reply from another address counts once a manager accepts it.
  { method: 'POST', path: '/proposals/{id}/replies/{replyId}/accept', function: 'accept-reply', auth: 'jwt' },
  // Issue 16: a manager corrects the stance read from a reply, with a reason.
  {
    method: 'POST',
    path: '/proposals/{id}/replies/{replyId}/stance',
    function: 'reclassify-reply',
    auth: 'jwt',
  },
  // The review link is its own credential: an HMAC-signed, expiring, single-use signature.
  { method: 'GET', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  { method: 'POST', path: '/review/{reviewId}', function: 'review', auth: 'none' },
  // SPEC 10: the DPO's advice link, signed as the review link is.
  { method: 'GET', path: '/dpo/{adviceId}', function: 'dpo-advice', auth: 'none' },
  { method: 'POST', path: '/dpo/{adviceId}', function: 'dpo-advice', auth: 'none' },
  // SPEC 11: the approver reads the DPIA document from the same signed link.
  { method: 'GET', path: '/review/{reviewId}/dpia', function: 'signed-dpia', auth: 'none' },
  // SPEC 10: the DPO reads the document so far from the advice link.
  { method: 'GET', path: '/dpo/{adviceId}/dpia', function: 'signed-dpia', auth: 'none' },
  // The PDF for the web pages: its own function (Chromium), checking the web session cookie itself.
  { method: 'GET', path: '/app/proposals/{id}/dpia.pdf', function: 'web-dpia-pdf', auth: 'none' },
  { method: 'GET', path: '/decisions', function: 'list-decisions', auth: 'jwt' },
  { method: 'GET', path: '/decisions/{decisionId}', function: 'get-decision', auth: 'jwt' },
  { method: 'GET', path: '/audit/verify', function: 'verify-audit', auth: 'jwt' },
  // SPEC 10: approved installations due for review.
  { method: 'GET', path: '/reviews/due', function: 'list-reviews-due', auth: 'jwt' },
  // SPEC 11: the public camera register and the public edition of each listed DPIA (no sign-in).
  { method: 'GET', path: '/register', function: 'public-register', auth: 'none' },
  { method: 'GET', path: '/register.csv', function: 'public-register', auth: 'none' },
  { method: 'GET', path: '/register.json', function: 'public-register', auth: 'none' },
  { method: 'GET', path: '/register/{reference}/dpia', function: 'public-dpia', auth: 'none' },
  ...Object.entries(WEB_PAGES).flatMap(([name, keys]) =>
    keys.map((key): RouteSpec => {
      const [method, path] = key.split(' ') as [RouteSpec['method'], string];
      return { method, path, function: name, auth: 'none' };
    }),
  ),
];

/** The API Gateway `routeKey` of a route, e.g. `GET /proposals/{id}`. */
export const routeKey = (route: Pick<RouteSpec, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;
