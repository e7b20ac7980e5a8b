// web-home: the front page, signing in and out, and the two pages a signed-in person lands on
// (the proposals list, the dashboard). functions/routes.ts (WEB_PAGES) routes these keys here.
import { dashboardPage } from './dashboard.js';
import { proposalsList } from './proposals.js';
import { webFunction } from './serve.js';
import { appHome, cognitoCallback, frontPage, signIn, signInPage, signOut } from './signin.js';

export const { PAGES, handler } = webFunction({
  'GET /': frontPage,
  'GET /sign-in': signInPage,
  'POST /sign-in': signIn,
  'POST /sign-out': signOut,
  'GET /app': appHome,
  'GET /app/auth/callback': cognitoCallback,
  'GET /app/proposals': proposalsList,
  'GET /app/dashboard': dashboardPage,
});
