// What every web function does around its pages (issue 17: the pages are served by a few functions,
// one per route group, each *.handler.ts here, so that each bundles only its own use cases). API
// Gateway has no authorizer on these routes: each page checks the session cookie itself, and every
// answer is a page (refusals included), because the reader is a person in a browser.
import { AppError, NotFoundError } from '../shared/errors.js';
import type { HttpEvent, HttpResult } from '../shared/http.js';
import { log } from '../shared/logger.js';
import {
  errorPage,
  internalErrorPage,
  type PageRequest,
  redirect,
  requireSession,
  SignInRequired,
} from './page.js';
import { readSession, SESSION_COOKIE, setCookie, signSession } from './session.js';

export type Page = (request: PageRequest) => Promise<HttpResult>;

/** A web function's pages by API Gateway route key: the keys functions/routes.ts gives that function. */
export type Pages = Record<string, Page>;

export async function servePage(pages: Pages, event: HttpEvent, now = new Date()): Promise<HttpResult> {
  const request: PageRequest = { event, now };
  try {
    const serve = pages[event.routeKey];
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

/**
 * The Lambda handler of a web function serving `pages`. Not the API's httpHandler (shared/http.ts):
 * its one job, turning a thrown error into the JSON error answer, is servePage's here, as a page,
 * for every error.
 */
/**
 * A web function: the pages it serves, by the route keys functions/routes.ts (WEB_PAGES) sends it
 * (test/unit/web-pages.test.ts holds the two to each other), and its Lambda handler.
 */
export const webFunction = (pages: Pages) => ({
  PAGES: pages,
  handler: (event: HttpEvent): Promise<HttpResult> => servePage(pages, event),
});

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
