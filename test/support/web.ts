// Signing in to the web pages over plain HTTP, as a browser would (local sign-in: the form's CSRF
// token and attempt cookie, then the session cookie), and reading a page's tables back as text.

/** The `dpia_session=...` cookie of a fresh session for `role`. */
export async function webSession(apiUrl: string, role: 'manager' | 'auditor', user: string): Promise<string> {
  const form = await fetch(`${apiUrl}/sign-in`);
  const attempt = cookieOf(form.headers.getSetCookie(), 'dpia_signin');
  const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1];
  if (!attempt || !csrf) throw new Error('the sign-in page gave no form token');
  const signedIn = await fetch(`${apiUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: attempt },
    body: new URLSearchParams({ csrf, role, user }).toString(),
  });
  const session = cookieOf(signedIn.headers.getSetCookie(), 'dpia_session');
  if (signedIn.status !== 303 || !session) throw new Error(`sign-in answered ${signedIn.status}`);
  return session;
}

function cookieOf(setCookies: string[], name: string): string | undefined {
  return setCookies
    .map((c) => c.split(';')[0] ?? '')
    .find((c) => c.startsWith(`${name}=`) && c !== `${name}=`);
}

/** The page as a reader sees its words: tags dropped, entities and spaces settled. */
export const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();

/** Every table row of the page's section labelled by `headingId`, as its cells' text. */
export function sectionRows(html: string, headingId: string): string[][] {
  const start = html.indexOf(`aria-labelledby="${headingId}"`);
  if (start < 0) return [];
  const section = html.slice(start, html.indexOf('</section>', start));
  return [...section.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...(row[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => text(cell[1] ?? '')),
  );
}

/** A row of a section's table by the text of its first cell. */
export function rowOf(html: string, headingId: string, first: string): string[] | undefined {
  return sectionRows(html, headingId).find((row) => row[0] === first);
}
