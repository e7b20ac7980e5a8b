// Renders the messages in templates/<name>/ (subject.txt, body.txt, body.html) with Mustache:
// logic-less, and HTML-escaping every {{value}} in the HTML part, so user text can never inject
// markup. The text parts are rendered without escaping. What several messages say alike is a
// partial: `{{> x}}` is templates/mail-parts/x.txt in a text part, x.html in the HTML part.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Mustache from 'mustache';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

const cache = new Map<string, string>();

/** templates/ is found by walking up from this module: the repository locally, the bundle on AWS. */
function templatesDir(): string {
  const configured = process.env.DPIA_TEMPLATES_DIR;
  if (configured) return configured;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'templates');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('templates/ directory not found');
    dir = parent;
  }
}

function load(name: string, part: string): string {
  const key = `${name}/${part}`;
  let text = cache.get(key);
  if (text === undefined) {
    text = readFileSync(join(templatesDir(), name, part), 'utf8');
    cache.set(key, text);
  }
  return text;
}

const mailPart = (extension: 'txt' | 'html') => (partial: string) =>
  load('mail-parts', `${partial}.${extension}`);

const plain = (text: string, view: object) =>
  Mustache.render(text, view, mailPart('txt'), { escape: (value: string) => value });

export function renderMessage(name: string, view: object): RenderedMessage {
  return {
    subject: plain(load(name, 'subject.txt'), view).replace(/\s+/g, ' ').trim(),
    text: plain(load(name, 'body.txt'), view),
    html: Mustache.render(load(name, 'body.html'), view, mailPart('html')),
  };
}

/** An HTML page from templates/pages/<name>.html, every value escaped; `{{> x}}` is pages/_x.html. */
export function renderPage(name: string, view: object): string {
  return Mustache.render(load('pages', `${name}.html`), view, (partial) => load('pages', `_${partial}.html`));
}
