// The readable text of an HTML-only reply, shaped like the plain text a mail client would have sent:
// paragraphs on their own lines and quoted history (<blockquote>) marked with "> ", so the quote
// rules of parse.ts treat it as they treat a plain-text reply. One linear pass, no DOM.

/** Elements whose content is never shown. */
const HIDDEN = new Set(['script', 'style', 'title', 'template', 'xml']);
/** Elements set on lines of their own, and how many line breaks part them from their neighbours. */
const BLOCK_BREAKS: Record<string, number> = {
  p: 2,
  h1: 2,
  h2: 2,
  h3: 2,
  h4: 2,
  h5: 2,
  h6: 2,
  blockquote: 2,
  ul: 2,
  ol: 2,
  dl: 2,
  table: 2,
  pre: 2,
  hr: 2,
  div: 1,
  li: 1,
  tr: 1,
  dt: 1,
  dd: 1,
  section: 1,
  article: 1,
  header: 1,
  footer: 1,
  main: 1,
  nav: 1,
  aside: 1,
  address: 1,
  figure: 1,
  figcaption: 1,
  center: 1,
  form: 1,
  fieldset: 1,
  caption: 1,
  body: 1,
};

/** Collects lines; line breaks a block asks for are added only once more text follows. */
class TextLines {
  /**
   * Each line as the pieces written to it, joined at the end: appending to one string and reading
   * its last character would flatten it every time, quadratic on a long line.
   */
  private readonly lines: string[][] = [[]];
  /** blockquote depth of each line, set when the line gets its first text. */
  private readonly depths: number[] = [0];
  /** blockquote depth of the last text written. */
  private textDepth = 0;
  private endsWithSpace = false;
  /** How many line breaks end the output now (0 while the current line has text). */
  private trailingBreaks = 0;
  private pendingBreaks = 0;
  private written = false;
  depth = 0;
  /** Text of the link being written, to tell whether its address adds anything. */
  linkText: string[] | null = null;

  block(breaks: number): void {
    this.pendingBreaks = Math.max(this.pendingBreaks, breaks);
  }

  lineBreak(): void {
    this.flushBreaks();
    this.newLine();
  }

  /** Text outside <pre>: whitespace runs are one space, as a browser shows them. */
  text(raw: string): void {
    let text = raw.replace(/[ \t\n\r\f]+/g, ' ');
    const lineStart = this.trailingBreaks > 0 || !this.written || this.pendingBreaks > this.trailingBreaks;
    if (lineStart || this.endsWithSpace) text = text.replace(/^ /, '');
    this.append(text);
  }

  preformatted(raw: string): void {
    raw.split(/\r\n?|\n/).forEach((part, i) => {
      if (i > 0) this.lineBreak();
      this.append(part);
    });
  }

  toString(): string {
    return this.lines
      .map((pieces, i) => {
        const depth = this.depths[i] ?? 0;
        return `${'> '.repeat(depth)}${pieces.join('')}`.trimEnd();
      })
      .join('\n')
      .trim();
  }

  private append(text: string): void {
    if (text === '') return;
    this.flushBreaks();
    const last = this.lines.length - 1;
    const line = this.lines[last] ?? [];
    if (line.length === 0) this.depths[last] = this.depth;
    this.textDepth = this.depth;
    line.push(text);
    this.linkText?.push(text);
    this.endsWithSpace = text.endsWith(' ');
    this.trailingBreaks = 0;
    this.written = true;
  }

  private flushBreaks(): void {
    // Breaks before any text, or after the last, would only be trimmed. A blank line between a
    // quote and the text around it belongs to the outer of the two.
    const depth = Math.min(this.textDepth, this.depth);
    if (this.written) while (this.trailingBreaks < this.pendingBreaks) this.newLine(depth);
    this.pendingBreaks = 0;
  }

  private newLine(depth = this.depth): void {
    this.lines.push([]);
    this.depths.push(depth);
    this.trailingBreaks += 1;
    this.endsWithSpace = false;
  }
}

/** The plain text of an HTML document or fragment. */
export function htmlToText(html: string): string {
  const out = new TextLines();
  const lists: { ordered: boolean; count: number }[] = [];
  let pre = 0;
  let href: string | null = null;
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > at) {
      const text = decodeEntities(html.slice(at, textEnd));
      if (pre > 0) out.preformatted(text);
      else out.text(text);
    }
    if (lt < 0) break;
    const tag = readTag(html, lt);
    if (tag === null) {
      // A "<" that opens no tag is text.
      out.text('<');
      at = lt + 1;
      continue;
    }
    at = tag.end;
    const { name, closing } = tag;
    if (name === '') continue;
    if (HIDDEN.has(name)) {
      if (!closing && !tag.selfClosing) at = skipElement(html, at, name);
      continue;
    }
    const breaks = BLOCK_BREAKS[name];
    if (breaks !== undefined) out.block(breaks);
    switch (name) {
      case 'br':
        out.lineBreak();
        break;
      case 'blockquote':
        out.depth = Math.max(0, out.depth + (closing ? -1 : 1));
        break;
      case 'pre':
        pre = Math.max(0, pre + (closing ? -1 : 1));
        break;
      case 'ul':
      case 'ol':
        if (closing) lists.pop();
        else lists.push({ ordered: name === 'ol', count: 0 });
        break;
      case 'li': {
        if (closing) break;
        const list = lists[lists.length - 1];
        if (list) list.count += 1;
        out.text(list?.ordered ? `${list.count}. ` : '* ');
        break;
      }
      case 'td':
      case 'th':
        if (!closing) out.text(' ');
        break;
      case 'a':
        if (closing) {
          const shown = out.linkText?.join('').trim() ?? '';
          if (href !== null && /^https?:/i.test(href) && shown !== '' && shown !== href)
            out.text(` [${href}]`);
          href = null;
          out.linkText = null;
        } else {
          href = attribute(tag.source, 'href');
          out.linkText = [];
        }
        break;
    }
  }
  return out.toString();
}

interface Tag {
  /** Lower-cased; empty for comments, doctypes and processing instructions. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** The tag as written, for reading an attribute. */
  source: string;
  /** Index just past the tag. */
  end: number;
}

/** The tag starting at html[lt] ("<"), or null when the "<" starts none. */
function readTag(html: string, lt: number): Tag | null {
  if (html.startsWith('<!--', lt)) {
    const close = html.indexOf('-->', lt + 4);
    return {
      name: '',
      closing: false,
      selfClosing: false,
      source: '',
      end: close < 0 ? html.length : close + 3,
    };
  }
  const match = /^<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)|^<[!?]/.exec(html.slice(lt, lt + 64));
  if (!match) return null;
  const end = tagEnd(html, lt + match[0].length);
  const source = html.slice(lt, end);
  return {
    name: (match[2] ?? '').toLowerCase(),
    closing: match[1] === '/',
    selfClosing: source.endsWith('/>'),
    source,
    end,
  };
}

/** Index just past the ">" that ends a tag, skipping quoted attribute values. */
function tagEnd(html: string, from: number): number {
  let i = from;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '>') return i + 1;
    if ((ch === '"' || ch === "'") && /=\s*$/.test(html.slice(Math.max(from, i - 8), i))) {
      const close = html.indexOf(ch, i + 1);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    i += 1;
  }
  const gt = html.indexOf('>', from);
  return gt < 0 ? html.length : gt + 1;
}

/** Index just past </name>, or the end of the document when it is never closed. */
function skipElement(html: string, from: number, name: string): number {
  const close = new RegExp(`</${name}[\\s/>]`, 'gi');
  close.lastIndex = from;
  const found = close.exec(html);
  if (!found) return html.length;
  const gt = html.indexOf('>', found.index);
  return gt < 0 ? html.length : gt + 1;
}

function attribute(source: string, name: string): string | null {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(source);
  if (!match) return null;
  return decodeEntities(match[1] ?? match[2] ?? match[3] ?? '').trim();
}

// ----- character references -----

/** HTML 4's Latin-1 entities, in code point order from U+00A0. */
const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';
/** The other named references mail clients write: punctuation, typography, a few symbols. */
const OTHER_ENTITIES: Record<string, number> = {
  quot: 34,
  amp: 38,
  apos: 39,
  lt: 60,
  gt: 62,
  OElig: 338,
  oelig: 339,
  Scaron: 352,
  scaron: 353,
  Yuml: 376,
  fnof: 402,
  circ: 710,
  tilde: 732,
  ensp: 8194,
  emsp: 8195,
  thinsp: 8201,
  zwnj: 8204,
  zwj: 8205,
  lrm: 8206,
  rlm: 8207,
  ndash: 8211,
  mdash: 8212,
  lsquo: 8216,
  rsquo: 8217,
  sbquo: 8218,
  ldquo: 8220,
  rdquo: 8221,
  bdquo: 8222,
  dagger: 8224,
  Dagger: 8225,
  bull: 8226,
  hellip: 8230,
  permil: 8240,
  prime: 8242,
  Prime: 8243,
  lsaquo: 8249,
  rsaquo: 8250,
  oline: 8254,
  frasl: 8260,
  euro: 8364,
  trade: 8482,
  larr: 8592,
  rarr: 8594,
  minus: 8722,
};
export const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map([
  ...LATIN1_NAMES.split(' ').map((name, i): [string, string] => [name, String.fromCodePoint(0xa0 + i)]),
  ...Object.entries(OTHER_ENTITIES).map(([name, code]): [string, string] => [
    name,
    String.fromCodePoint(code),
  ]),
]);

/** Browsers read &#128;–&#159; as the windows-1252 characters old HTML meant by them. */
const windows1252 = new TextDecoder('windows-1252');

function fromCodePoint(code: number): string {
  if (code >= 0x80 && code <= 0x9f) return windows1252.decode(Uint8Array.of(code));
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(code);
}

/** Numeric references and the named ones above; an unknown name stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(
    /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g,
    (whole, dec, hex, name) => {
      if (dec !== undefined) return fromCodePoint(Number.parseInt(dec, 10));
      if (hex !== undefined) return fromCodePoint(Number.parseInt(hex, 16));
      // A named reference needs its semicolon: "&copy=1" in a link is not "©=1".
      return whole.endsWith(';') ? (NAMED_ENTITIES.get(name) ?? whole) : whole;
    },
  );
}
