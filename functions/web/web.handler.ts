// Every web page (`/`, `/sign-in`, `/sign-out`, `/app/...`) in one function. API Gateway has no
// authorizer on these routes: each page checks the session cookie itself, and every answer is a
// page (refusals included), because the reader is a person in a browser.
import { AppError, NotFoundError } from '../shared/errors.js';
import { type HttpEvent, type HttpResult, httpHandler } from '../shared/http.js';
import { log } from '../shared/logger.js';
import { assessmentFromForm, assessmentPage, conditionDoneFromForm } from './assessment-pages.js';
import { dashboardPage } from './dashboard.js';
import { decisionPage, decisionsExport, decisionsList, verifyPage } from './decisions.js';
import {
  errorPage,
  internalErrorPage,
  type PageRequest,
  redirect,
  requireSession,
  SignInRequired,
} from './page.js';
import {
  createProposalFromForm,
  dpiaPage,
  evidenceDownload,
  icoConsultationFromForm,
  newProposalPage,
  proposalPage,
  proposalsList,
  reissueFromForm,
} from './proposals.js';
import { readSession, SESSION_COOKIE, setCookie, signSession } from './session.js';
import { appHome, cognitoCallback, frontPage, signIn, signInPage, signOut } from './signin.js';
import { acceptFromForm, reclassifyFromForm } from './triage.js';
import { withdrawConfirmPage, withdrawFromForm } from './withdraw.js';

type Page = (request: PageRequest) => Promise<HttpResult>;

/** By API Gateway route key: the same keys as the web routes in functions/routes.ts. */
export const PAGES: Record<string, Page> = {
  'GET /': frontPage,
  'GET /sign-in': signInPage,
  'POST /sign-in': signIn,
  'POST /sign-out': signOut,
  'GET /app': appHome,
  'GET /app/auth/callback': cognitoCallback,
  'GET /app/proposals': proposalsList,
  'POST /app/proposals': createProposalFromForm,
  'GET /app/proposals/new': newProposalPage,
  'GET /app/proposals/{id}': proposalPage,
  'GET /app/proposals/{id}/withdraw': withdrawConfirmPage,
  'POST /app/proposals/{id}/withdraw': withdrawFromForm,
  'POST /app/proposals/{id}/review-link': reissueFromForm,
  'POST /app/proposals/{id}/ico-consultation': icoConsultationFromForm,
  'POST /app/proposals/{id}/replies/{replyId}/stance': reclassifyFromForm,
  'POST /app/proposals/{id}/replies/{replyId}/accept': acceptFromForm,
  'GET /app/proposals/{id}/evidence': evidenceDownload,
  'GET /app/proposals/{id}/assessment': assessmentPage,
  'POST /app/proposals/{id}/assessment': assessmentFromForm,
  'POST /app/proposals/{id}/conditions/{n}/done': conditionDoneFromForm,
  'GET /app/proposals/{id}/dpia': dpiaPage,
  'GET /app/decisions': decisionsList,
  'GET /app/decisions/export': decisionsExport,
  'GET /app/decisions/{decisionId}': decisionPage,
  'GET /app/audit/verify': verifyPage,
  'GET /app/dashboard': dashboardPage,
};

export async function servePage(event: HttpEvent, now = new Date()): Promise<HttpResult> {
  const request: PageRequest = { event, now };
  try {
    const serve = PAGES[event.routeKey];
    if (!serve) throw new NotFoundError('There is no page here.');
    return await renewed(request, await serve(request));
  } catch (error) {
    if (error instanceof SignInRequired) return redirect('/sign-in');
    if (!(error instanceof AppError)) {
      log.error('page failed', {
        requestId: event.requestContext?.requestId,
        route: event.routeKey,
        error: (error as Error | undefined)?.name ?? 'Error',
      });
      return internalErrorPage();
    }
    log.info('page refused', {
      requestId: event.requestContext?.requestId,
      route: event.routeKey,
      status: error.status,
    });
    // The banner (and its sign-out) when someone is signed in, whatever their role.
    const session = await readSession(event, now).catch(() => undefined);
    const signedIn = session
      ? await requireSession(request, [session.role]).catch(() => undefined)
      : undefined;
    return errorPage(error, signedIn);
  }
}

export const handler = httpHandler(async (event) => servePage(event));

/**
 * Issue 21: a session ends after IDLE_MINUTES without a page. Each page a signed-in person is
 * served renews it (same nonce, so open forms stay valid), up to SESSION_HOURS after sign-in.
 * A page that sets cookies of its own (sign-in, sign-out) is left as it is.
 */
async function renewed(request: PageRequest, result: HttpResult): Promise<HttpResult> {
  const session = request.signedIn;
  if (!session || result.cookies?.length || (result.statusCode ?? 200) >= 400) return result;
  const { token, maxAgeSeconds } = await signSession(session, request.now, session);
  return { ...result, cookies: [setCookie(request.event, SESSION_COOKIE, token, maxAgeSeconds)] };
}
