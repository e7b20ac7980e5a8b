// What every web page shares: who is signed in, the banner's navigation and sign-out form, the
// CSRF check of form posts, redirects, and refusals as pages.
import type { Role } from '../shared/auth.js';
import { ENV } from '../shared/config.js';
import { AppError, ForbiddenError, refusalView } from '../shared/errors.js';
import { type HttpEvent, type HttpResult, html, parseFormPost } from '../shared/http.js';
import { renderPage } from '../shared/templates.js';
import { readFormFields } from './form-data.js';
import { csrfToken, readSession, type Session, verifyCsrf } from './session.js';

/** No session: the handler answers with a redirect to the sign-in page. */
export class SignInRequired extends Error {
  override readonly name = 'SignInRequired';
}

export interface PageRequest {
  event: HttpEvent;
  now: Date;
  /** Set by requireSession: the page served renews this session's idle deadline (serve.ts). */
  signedIn?: Session;
}

export interface SignedInRequest extends PageRequest {
  session: Session;
  /** The hidden `csrf` field of every form on the page. */
  csrf: string;
}

export const ROLE_LABELS: Record<Role, string> = { manager: 'ANPR manager', auditor: 'Auditor' };

export const isLocalSignIn = (): boolean => process.env[ENV.localSignIn] === 'true';
export const mailViewerUrl = (): string | null =>
  isLocalSignIn() ? (process.env[ENV.mailViewerUrl] ?? null) : null;

/** The signed-in caller when they hold one of the roles: else a redirect to sign in, or 403. */
export async function requireSession(
  request: PageRequest,
  allowed: readonly Role[],
): Promise<SignedInRequest> {
  const session = await readSession(request.event, request.now);
  if (!session) throw new SignInRequired();
  if (!allowed.includes(session.role)) {
    throw new ForbiddenError(
      `This page is for the ${allowed.map((r) => ROLE_LABELS[r].toLowerCase()).join(' or ')} role; you are signed in as ${ROLE_LABELS[session.role].toLowerCase()}.`,
    );
  }
  request.signedIn = session;
  return { ...request, session, csrf: await csrfToken(session.csrf) };
}

/** The posted form, once its CSRF token is the one bound to this session; 403 otherwise. */
export async function readVerifiedForm(request: SignedInRequest): Promise<URLSearchParams> {
  const form = await readFormFields(request.event, 'its page');
  if (!(await verifyCsrf(request.session.csrf, form.get('csrf')))) {
    throw new ForbiddenError(
      'This form could not be accepted: it did not come from a page of this site, or your session changed. Nothing was changed. Go back, reload the page and try again.',
    );
  }
  return form;
}

export const readForm = (event: HttpEvent): URLSearchParams => parseFormPost(event, 'its page');

interface NavLink {
  href: string;
  label: string;
  current: boolean;
}

const NAV: Record<Role, { href: string; label: string }[]> = {
  manager: [
    { href: '/app/proposals', label: 'Proposals' },
    { href: '/app/proposals/new', label: 'New proposal' },
    { href: '/app/dashboard', label: 'Dashboard' },
  ],
  auditor: [
    { href: '/app/proposals', label: 'Proposals' },
    { href: '/app/decisions', label: 'Decisions' },
    { href: '/app/audit/verify', label: 'Verify the chain' },
    { href: '/app/dashboard', label: 'Dashboard' },
  ],
};

/** The banner's part of every signed-in page's view. */
export function layout(request: SignedInRequest, currentHref: string) {
  const links: NavLink[] = NAV[request.session.role].map((l) => ({ ...l, current: l.href === currentHref }));
  const viewer = mailViewerUrl();
  if (viewer) links.push({ href: viewer, label: 'Sent mail (local)', current: false });
  return {
    nav: {
      links,
      user: request.session.sub,
      role: ROLE_LABELS[request.session.role],
      csrf: request.csrf,
    },
    csrf: request.csrf,
    isManager: request.session.role === 'manager',
    isAuditor: request.session.role === 'auditor',
  };
}

export function page(status: number, name: string, view: object, cookies: string[] = []): HttpResult {
  const result = html(status, renderPage(name, view));
  return cookies.length > 0 ? { ...result, cookies } : result;
}

/** 303 See Other: after a form post the browser GETs the new page. */
export function redirect(location: string, cookies: string[] = []): HttpResult {
  return {
    statusCode: 303,
    headers: { location, 'cache-control': 'no-store' },
    ...(cookies.length > 0 ? { cookies } : {}),
    body: '',
  };
}

const ERROR_HEADINGS: Record<number, string> = {
  400: 'Something is wrong with this request',
  401: 'Sign in again',
  403: 'You cannot do this',
  404: 'Not found',
  409: 'This cannot be done now',
  410: 'This is no longer available',
  413: 'The form is too large',
  415: 'This form could not be read',
};

/** A refusal as a page, with the banner when someone is signed in. */
export function errorPage(error: AppError, request?: SignedInRequest): HttpResult {
  return page(error.status, 'review-error', {
    ...refusalView(error, ERROR_HEADINGS),
    ...(request ? layout(request, '') : {}),
  });
}

export function internalErrorPage(): HttpResult {
  return page(500, 'review-error', {
    status: 500,
    heading: 'Something went wrong on our side',
    message:
      'Nothing you did caused this. Try again in a minute; if it keeps happening, tell the service desk.',
  });
}

export { AppError };
