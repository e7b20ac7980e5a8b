// A stand-in for functions/shared/templates.ts in unit tests: a page or mail is the JSON of its
// view (a page headed by its name, a mail's subject by its name and reference), so a test can look
// for any value the real template could show. Use it as
// `vi.mock('../../functions/shared/templates.js', () => import('../support/json-templates.js'))`.
export const renderPage = (name: string, view: object): string => `<!-- ${name} -->${JSON.stringify(view)}`;

export const renderMessage = (name: string, view: { reference?: string }) => ({
  subject: `${name} [${view.reference}]`,
  text: JSON.stringify(view),
  html: JSON.stringify(view),
});
