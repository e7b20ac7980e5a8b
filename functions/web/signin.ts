// Signing in and out of the web pages. Locally (DPIA_LOCAL_SIGNIN=true) a page to pick a role and a
// user; on AWS the Cognito hosted UI (authorization code + PKCE). Both end in the same session cookie.
import { ROLES, type Role } from '../shared/auth.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../shared/errors.js';
import { log } from '../shared/logger.js';
import { authorizeUrl, cognitoSettings, exchangeCode, logoutUrl } from './cognito.js';
import {
  isLocalSignIn,
  mailViewerUrl,
  type PageRequest,
  page,
  ROLE_LABELS,
  readForm,
  redirect,
} from './page.js';
import {
  clearCookie,
  csrfToken,
  randomToken,
  readSession,
  readSignInAttempt,
  revokeSession,
  SESSION_COOKIE,
  SIGNIN_COOKIE,
  SIGNIN_MAX_AGE,
  setCookie,
  signSession,
  signSignInAttempt,
  verifyCsrf,
} from './session.js';

const USER_PATTERN = /^[^\s<>"']{2,120}$/;
const SIGNIN_PURPOSE = 'sign-in';

/** Where each role starts. */
export const homeOf = (role: Role): string => (role === 'manager' ? '/app/proposals' : '/app/decisions');

/** GET /: what this is, where to sign in, and (locally) where to read the mail that was sent. */
export async function frontPage(request: PageRequest) {
  const session = await readSession(request.event, request.now);
  return page(200, 'landing', {
    signedIn: session
      ? { user: session.sub, role: ROLE_LABELS[session.role], home: homeOf(session.role) }
      : null,
    mailViewerUrl: mailViewerUrl(),
  });
}

/** GET /app: each role's start page. */
export async function appHome(request: PageRequest) {
  const session = await readSession(request.event, request.now);
  return redirect(session ? homeOf(session.role) : '/sign-in');
}

/** GET /sign-in: the local role picker, or off to Cognito's hosted UI. */
export async function signInPage(request: PageRequest) {
  const nonce = randomToken();
  if (!isLocalSignIn()) {
    const verifier = randomToken(48);
    const cookie = setCookie(
      request.event,
      SIGNIN_COOKIE,
      await signSignInAttempt({ nonce, verifier }, request.now),
      SIGNIN_MAX_AGE,
      'Lax',
    );
    return redirect(authorizeUrl(cognitoSettings(), nonce, verifier), [cookie]);
  }
  const cookie = setCookie(
    request.event,
    SIGNIN_COOKIE,
    await signSignInAttempt({ nonce }, request.now),
    SIGNIN_MAX_AGE,
  );
  return page(200, 'sign-in', signInView(await csrfToken(nonce, SIGNIN_PURPOSE), {}), [cookie]);
}

function signInView(csrf: string, values: { role?: string; user?: string; error?: string }) {
  return {
    csrf,
    roles: ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], checked: values.role === role })),
    user: values.user ?? '',
    error: values.error ?? null,
    mailViewerUrl: mailViewerUrl(),
  };
}

/** POST /sign-in (local only): the picked role and user become the session. */
export async function signIn(request: PageRequest) {
  if (!isLocalSignIn()) throw new ForbiddenError('Sign in through your organisation account.');
  const form = readForm(request.event);
  const attempt = await readSignInAttempt(request.event, request.now);
  if (!attempt || !(await verifyCsrf(attempt.nonce, form.get('csrf'), SIGNIN_PURPOSE))) {
    throw new ForbiddenError('The sign-in form has expired. Open the sign-in page again.');
  }
  const role = form.get('role') ?? '';
  const user = (form.get('user') ?? '').trim();
  const problem = !(ROLES as readonly string[]).includes(role)
    ? 'Choose a role.'
    : !USER_PATTERN.test(user)
      ? 'Enter a user name of 2 to 120 characters without spaces, such as an e-mail address.'
      : null;
  if (problem) {
    return page(
      400,
      'sign-in',
      signInView(await csrfToken(attempt.nonce, SIGNIN_PURPOSE), { role, user, error: problem }),
    );
  }
  const { token, maxAgeSeconds } = await signSession({ sub: user, role: role as Role }, request.now);
  log.info('web sign-in', { mode: 'local', role });
  return redirect(homeOf(role as Role), [
    setCookie(request.event, SESSION_COOKIE, token, maxAgeSeconds),
    clearCookie(request.event, SIGNIN_COOKIE),
  ]);
}

/** GET /app/auth/callback?code=&state=: Cognito sends the browser back here. */
export async function cognitoCallback(request: PageRequest) {
  const query = request.event.queryStringParameters ?? {};
  if (query.error) throw new UnauthorizedError('The sign-in was cancelled or refused. Sign in again.');
  const attempt = await readSignInAttempt(request.event, request.now);
  if (!attempt?.verifier || !query.state || query.state !== attempt.nonce) {
    throw new ForbiddenError('This sign-in did not start here or has expired. Sign in again.');
  }
  if (!query.code) throw new ValidationError([{ path: 'code', message: 'The sign-in answer has no code.' }]);
  const user = await exchangeCode(cognitoSettings(), query.code, attempt.verifier);
  const { token, maxAgeSeconds } = await signSession(user, request.now);
  log.info('web sign-in', { mode: 'cognito', role: user.role });
  // A 200 page rather than a redirect: the browser arrived from Cognito's site, and a redirect in
  // that same navigation would not carry the SameSite=Strict cookie just set.
  return page(200, 'signed-in', { home: homeOf(user.role) }, [
    setCookie(request.event, SESSION_COOKIE, token, maxAgeSeconds),
    clearCookie(request.event, SIGNIN_COOKIE),
  ]);
}

/** POST /sign-out: the cookie goes (and, on AWS, the hosted UI's own session too). */
export async function signOut(request: PageRequest) {
  const session = await readSession(request.event, request.now);
  const form = readForm(request.event);
  if (session && !(await verifyCsrf(session.csrf, form.get('csrf')))) {
    throw new ForbiddenError('The sign-out form could not be accepted. Reload the page and try again.');
  }
  // The cookie goes from this browser, and the session is revoked for any copy of it elsewhere.
  if (session) await revokeSession(session, request.now);
  const cookies = [clearCookie(request.event, SESSION_COOKIE)];
  if (isLocalSignIn()) return redirect('/sign-in', cookies);
  const settings = cognitoSettings();
  return redirect(logoutUrl(settings, settings.redirectUri.replace(/\/app\/auth\/callback$/, '/')), cookies);
}
