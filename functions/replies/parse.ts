// Reads a received e-mail (the raw bytes SES stored) into what the consultation needs: who sent it,
// what kind of mail it is (a response, an auto-reply or a delivery report) and the new text alone,
// without quoted history or signatures, so a quoted consultation letter can never decide a stance.
import EmailForwardParser from 'email-forward-parser';
import EmailReplyParser from 'email-reply-parser';
import PostalMime, { type Address, addressParser, decodeWords, type Email, type Mailbox } from 'postal-mime';
import type { ReplyKind } from '../shared/model/consultation.js';
import { htmlToText } from './html-text.js';

/** A received mail is one of these; 'unmatched' is decided later, by its reply token. */
export type MailKind = Exclude<ReplyKind, 'unmatched'>;

export interface BounceReport {
  /** False for reports that only say a message is delayed, relayed or delivered. */
  failed: boolean;
  /** Lower-cased addresses the report says could not be reached (Final- or Original-Recipient). */
  failedRecipients: string[];
  /** Lower-cased To, Cc and Reply-To addresses of the bounced message, when the report includes them. */
  originalAddresses: string[];
}

export interface ParsedReply {
  /** The Message-ID header, angle brackets included; null when the message has none. */
  messageId: string | null;
  /** The From address, lower-cased; empty when the message has no usable From. */
  from: string;
  fromName: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The Date header as an ISO timestamp; null when missing or unreadable. */
  date: string | null;
  /** The new text only: no quoted history, no signature. */
  text: string;
  /**
   * A message the consultee forwarded (a clerk passing on a councillor's answer): who wrote it and
   * its new text. Absent when the mail forwards nothing.
   */
  forwarded?: { from: string; text: string };
  kind: MailKind;
  /** Only for delivery reports. */
  bounce: BounceReport | null;
}

/**
 * Only the start of a body is searched for new text: a reply is short, and the quote heuristics
 * (ours and email-reply-parser's) slow down badly on megabytes of one line.
 */
export const MAX_SCANNED_CHARS = 100_000;
/** HTML is mostly markup: this much of it is plenty for MAX_SCANNED_CHARS of text. */
const MAX_SCANNED_HTML_CHARS = 20 * MAX_SCANNED_CHARS;

export async function parseReply(raw: Buffer): Promise<ParsedReply> {
  // rfc822Attachments: an attached message/rfc822 (a bounced message, a forwarded one) stays an
  // attachment rather than joining the text; a bounce's copy is read for its addresses.
  const mail = await PostalMime.parse(raw, { rfc822Attachments: true });
  const headers = headerValues(mail);
  const from = sender(headers);
  const subject = decodeWords(first(headers, 'subject') ?? '').trim();
  // postal-mime gives no text for a message that has only HTML parts; read it as a person would.
  const body = mail.text ?? htmlToText((mail.html ?? '').slice(0, MAX_SCANNED_HTML_CHARS));
  const bounce = readBounce(mail, headers, body, from.address, subject);
  const kind: MailKind = bounce
    ? 'delivery-report'
    : isAutoReply(headers, subject)
      ? 'auto-reply'
      : 'response';
  return {
    messageId: readMessageId(headers),
    from: from.address,
    fromName: from.name,
    to: addresses(headers, 'to'),
    cc: addresses(headers, 'cc'),
    subject,
    date: readDate(headers),
    text: extractNewText(body.slice(0, MAX_SCANNED_CHARS)),
    kind,
    bounce,
    ...forwardedMessage(subject, body.slice(0, MAX_SCANNED_CHARS)),
  };
}

/** "Fwd:", "Fw:", "TR:", "WG:", "RV:", "I:" as clients prefix a forward's subject. */
const FORWARD_SUBJECT = /^\s*(?:re:\s*)?(?:fwd?|tr|wg|rv|enc|i|vs|doorst)\s*:/iu;

/**
 * The message inside a forward, read by email-forward-parser (which knows the forward markers of
 * the common clients in many languages), reduced to its new text. Only for a mail whose subject
 * says it is a forward: an Outlook reply's copied original looks like a forward too.
 */
function forwardedMessage(subject: string, body: string): { forwarded?: { from: string; text: string } } {
  if (!FORWARD_SUBJECT.test(subject)) return {};
  const read = new EmailForwardParser().read(body, subject);
  if (!read.forwarded || !read.email?.body) return {};
  const text = extractNewText(read.email.body);
  if (text === '') return {};
  const from = [read.email.from?.name, read.email.from?.address ? `<${read.email.from.address}>` : '']
    .filter(Boolean)
    .join(' ');
  return { forwarded: { from, text } };
}

// ----- addresses and headers -----

/** Header values by lower-case name, in message order, unfolded and trimmed; empty ones left out. */
type HeaderValues = Map<string, string[]>;

function headerValues(mail: Email): HeaderValues {
  const headers: HeaderValues = new Map();
  for (const { key, line } of mail.headerLines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    // A folded line is one line again, each fold one space (a tab there is no part of a name).
    const value = line
      .slice(colon + 1)
      .replace(/(?:\r?\n|\r)[ \t]*/g, ' ')
      .trim();
    if (value === '') continue;
    const values = headers.get(key);
    if (values) values.push(value);
    else headers.set(key, [value]);
  }
  return headers;
}

const first = (headers: HeaderValues, name: string): string | undefined => headers.get(name)?.[0];

/** A header that may appear more than once, as one text (repeats joined by ", "). */
const headerText = (headers: HeaderValues, name: string): string | undefined => headers.get(name)?.join(', ');

/** Every mailbox of the header's addresses, group members included. */
function mailboxes(values: string[]): Mailbox[] {
  const flatten = (entry: Address): Mailbox[] => (entry.group ? entry.group.flatMap(flatten) : [entry]);
  return values.flatMap((value) => addressParser(value).flatMap(flatten));
}

/**
 * Lower-cased, an internationalised domain left in its ASCII (xn--) form: the form a consultee's
 * address is stored in, so the two compare equal.
 */
const normaliseAddress = (address: string): string => address.trim().toLowerCase();

function addresses(headers: HeaderValues, name: 'to' | 'cc'): string[] {
  return mailboxes(headers.get(name) ?? [])
    .map((entry) => normaliseAddress(entry.address))
    .filter((address) => address.includes('@'));
}

/** The first address of the (first) From header, with its display name, encoded words decoded. */
function sender(headers: HeaderValues): { address: string; name: string } {
  const from = first(headers, 'from');
  const entry = mailboxes(from === undefined ? [] : [from]).find((e) => e.address.includes('@'));
  return { address: normaliseAddress(entry?.address ?? ''), name: (entry?.name ?? '').trim() };
}

function readMessageId(headers: HeaderValues): string | null {
  const value = decodeWords(first(headers, 'message-id') ?? '').trim();
  if (value === '') return null;
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

function readDate(headers: HeaderValues): string | null {
  // A trailing comment ("(UTC)") is no part of the date.
  const written = Date.parse((first(headers, 'date') ?? '').replace(/\s*\([^)]*\)\s*$/, ''));
  return Number.isNaN(written) ? null : new Date(written).toISOString();
}

// ----- auto-replies -----

const AUTO_REPLY_PRECEDENCE = /^\s*(auto_reply|bulk|junk)\b/i;
const AUTO_REPLY_SUBJECT =
  /\b(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|abwesenheit\w*|i am (currently )?away|i'm (currently )?away|away from (the|my) (office|desk)|on annual leave|r[ée]ponse automatique|respuesta autom[áa]tica)\b/i;

function isAutoReply(headers: HeaderValues, subject: string): boolean {
  const autoSubmitted = headerText(headers, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]?.trim().toLowerCase() !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  const precedence = first(headers, 'precedence') ?? headerText(headers, 'x-precedence');
  if (precedence !== undefined && AUTO_REPLY_PRECEDENCE.test(precedence)) return true;
  return AUTO_REPLY_SUBJECT.test(subject);
}

// ----- delivery reports -----

const DAEMON_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounce[s]?|mdaemon)@/i;
const BOUNCE_SUBJECT =
  /\b(undeliver(able|ed)|delivery (status notification|has failed|failure|failed)|mail delivery (failed|failure|subsystem)|returned mail|returned to sender|failure notice|could not be delivered|unzustellbar|non remis)\b/i;
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[^\s<>"'(),;:[\]]+/g;

function readBounce(
  mail: Email,
  headers: HeaderValues,
  body: string,
  from: string,
  subject: string,
): BounceReport | null {
  const [mediaType = '', ...params] = (first(headers, 'content-type') ?? '').split(';');
  const reportType = params
    .map((param) => /^\s*report-type\s*=\s*"?([^"]*)"?\s*$/i.exec(param)?.[1])
    .find((value) => value !== undefined);
  const isReport =
    mediaType.trim().toLowerCase() === 'multipart/report' &&
    (reportType ?? '').trim().toLowerCase() === 'delivery-status';
  const isDaemonBounce = DAEMON_SENDER.test(from) && BOUNCE_SUBJECT.test(subject);
  if (!isReport && !isDaemonBounce) return null;

  const partsOf = (...types: string[]): string[] =>
    mail.attachments
      .filter((a) => types.includes(a.mimeType.toLowerCase()))
      .map((a) => attachmentText(a.content));
  const statusParts = partsOf('message/delivery-status');
  const headerParts = partsOf('text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers');
  const originalAddresses = unique(headerParts.flatMap(originalHeaderAddresses));

  if (statusParts.length > 0) {
    const recipients = statusParts.flatMap(statusRecipients);
    const failed = recipients.filter((r) => r.failed);
    return {
      failed: failed.length > 0,
      failedRecipients: unique(failed.flatMap((r) => r.addresses)),
      originalAddresses,
    };
  }
  // A bounce without the standard report part (qmail's "failure notice" and the like): the failed
  // addresses are the `<address>:` lines of the text.
  const listed = [...body.matchAll(/^<([^<>\s]+@[^<>\s]+)>:/gm)].map((m) => m[1] ?? '');
  return {
    failed: true,
    failedRecipients: unique(listed.map((a) => a.toLowerCase())),
    originalAddresses,
  };
}

const utf8 = new TextDecoder();
/** An attachment's bytes as text (postal-mime hands them over as an ArrayBuffer by default). */
const attachmentText = (content: ArrayBuffer | Uint8Array | string): string =>
  typeof content === 'string' ? content : utf8.decode(content);

interface StatusRecipient {
  failed: boolean;
  addresses: string[];
}

/** The per-recipient fields of a message/delivery-status part (RFC 3464): blocks split by blank lines. */
function statusRecipients(report: string): StatusRecipient[] {
  const blocks = report.replace(/\r\n/g, '\n').split(/\n\s*\n/);
  return blocks
    .map((block) => unfold(block))
    .filter((fields) => fields.some(([name]) => name === 'final-recipient' || name === 'original-recipient'))
    .map((fields) => {
      const action =
        fields
          .find(([name]) => name === 'action')?.[1]
          .trim()
          .toLowerCase() ?? '';
      const status = fields.find(([name]) => name === 'status')?.[1].trim() ?? '';
      const addressesOf = fields
        .filter(([name]) => name === 'final-recipient' || name === 'original-recipient')
        .map(([, value]) =>
          value
            .replace(/^\s*rfc822\s*;\s*/i, '')
            .trim()
            .toLowerCase(),
        )
        .filter((value) => value.includes('@'));
      return { failed: action === 'failed' || status.startsWith('5'), addresses: addressesOf };
    });
}

/** Header fields of a block as [lower-case name, unfolded value] pairs. */
function unfold(block: string): [string, string][] {
  const fields: [string, string][] = [];
  for (const field of block.split(/\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    if (colon <= 0) continue;
    fields.push([
      field.slice(0, colon).trim().toLowerCase(),
      field.slice(colon + 1).replace(/\n[ \t]+/g, ' '),
    ]);
  }
  return fields;
}

function originalHeaderAddresses(content: string): string[] {
  const text = content.replace(/\r\n/g, '\n');
  const headerBlock = text.split(/\n\s*\n/)[0] ?? '';
  return unfold(headerBlock)
    .filter(([name]) => name === 'to' || name === 'cc' || name === 'reply-to')
    .flatMap(([, value]) => [...value.matchAll(ADDRESS)].map((m) => m[0].toLowerCase()));
}

const unique = (values: string[]): string[] => [...new Set(values)];

// ----- the new text of a reply -----

/** A line that attributes the quote below it: "On Mon, 7 Dec 2026 at 10:02, Name <a@b> wrote:". */
const ATTRIBUTION_END = /\b(wrote|writes|schrieb|a écrit|escribió|ha scritto|schreef|escreveu)\s*:\s*$/i;
const ATTRIBUTION_START = /^(on|am|le|el|il|op|em)\s/i;
/** Headers Outlook and mobile clients put above the unmarked copy of the message replied to. */
// Outlook names the fields in the language it is installed in: Welsh councils' "Oddi wrth" and
// "Anfonwyd", Polish "Od" and "Wysłane", and so on.
const FROM_FIELD = /^\s*\*?(from|de|von|van|da|fra|från|od|oddi wrth|lähettäjä|expéditeur)\s*:\*?\s*\S/iu;
const SENT_FIELD =
  /^\s*\*?(sent|date|envoyé|gesendet|datum|enviado|verzonden|inviato|sendt|skickat|wysłane|wysłano|data|anfonwyd|dyddiad|lähetetty)\s*:\*?\s*\S/iu;
/** mutt's and some webmails' attribution: "* Name <a@b> [2026-11-30 09:15]:". */
const ADDRESS_ATTRIBUTION = /@[^\s>]+>?.*:\s*$/u;
/**
 * The opening of our own consultation letter (templates/consultation): whatever a client put above
 * an unmarked copy of it, the copy is never the consultee's words.
 */
const LETTER_TITLE = /^\s*Consultation on the use of .+ in .+$/u;
const LETTER_REFERENCE = /^\s*Reference:\s*DPIA-\d{4}-\d{4}\s*$/u;
/** Lines a client writes above a copied message: "Label: value", "Label<TAB>value", "... wrote:". */
const COPY_HEADER_LINE =
  /^\s*(?:[*_]*[\p{L}][\p{L} .'-]{0,24}[*_]*\s*:[*_]*(?:\s.*)?|[\p{L}]{2,12}\t.*|.*\bwrote:|.*consult\+\w+@.*|[_\-=]{8,}.*)\s*$/iu;
const ORIGINAL_MESSAGE =
  /^\s*-{2,}\s*(original message|forwarded message|ursprüngliche nachricht|message d'origine|mensaje original)\s*-*\s*$/i;
const FORWARDED = /^\s*(begin forwarded message|forwarded message)\s*:?\s*$/i;
const SEPARATOR = /^\s*[_\-=]{8,}\s*$/;

/** Lines where a signature or a legal footer begins: everything from there on is dropped. */
const SIGNATURE_START = [
  // "-- " loses its trailing space in normalise().
  /^--$/,
  /^(sent|envoyé|gesendet|enviado) (from|with|via|using|de|von|desde) .{1,60}$/i,
  /^get outlook for .{1,40}$/i,
  /^(this (e-?mail|message)|the information in this (e-?mail|message)).{0,80}\b(confidential|intended|privileged)\b/i,
  /^(disclaimer|confidentiality notice|legal notice)\s*:?/i,
];

/**
 * The part of a reply its author wrote now: drops quoted history wherever it sits (below the new
 * text, above it, or interleaved), the unmarked copies Outlook and phones append, and signatures.
 */
export function extractNewText(body: string): string {
  const lines = normalise(body).split('\n');
  const copyAt = unmarkedLetterAt(lines);
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i === copyAt) {
      dropCopyHeader(kept);
      break;
    }
    const attribution = attributionLength(lines, i);
    if (attribution > 0) {
      // A quote marked with ">" below it is dropped line by line, so text after it survives
      // (bottom-posting); an unmarked one runs to the end of the message.
      if (!isQuoted(nextNonEmpty(lines, i + attribution))) break;
      i += attribution - 1;
      continue;
    }
    if (ORIGINAL_MESSAGE.test(line) || FORWARDED.test(line) || isHeaderBlock(lines, i)) break;
    if (SEPARATOR.test(line) && isHeaderBlock(lines, nextNonEmptyIndex(lines, i + 1))) break;
    if (isQuoted(line)) continue;
    if (ADDRESS_ATTRIBUTION.test(line) && isQuoted(nextNonEmpty(lines, i + 1))) continue;
    kept.push(line);
  }
  return tidy(cutSignature(dropLibrarySignature(kept.join('\n'))));
}

/** Where an unmarked copy of the consultation letter starts (its title line); -1 when there is none. */
function unmarkedLetterAt(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    if (!LETTER_REFERENCE.test(lines[i] ?? '')) continue;
    for (let j = i - 1; j >= Math.max(0, i - 2); j--) if (LETTER_TITLE.test(lines[j] ?? '')) return j;
  }
  return -1;
}

/** Removes the header block, attribution and greeting a client put above the copy of the letter. */
function dropCopyHeader(kept: string[]): void {
  const last = () => kept[kept.length - 1];
  const dropBlank = () => {
    while (last()?.trim() === '') kept.pop();
  };
  dropBlank();
  if (/^\s*dear\b/iu.test(last() ?? '')) kept.pop();
  dropBlank();
  // One contiguous block: a separator, the header lines or an attribution. The consultee's own
  // text above it is kept even when a line of it reads "Concerns: ...".
  while (kept.length > 0 && (last() ?? '').trim() !== '' && COPY_HEADER_LINE.test(last() ?? '')) kept.pop();
}

function normalise(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/[\u200b-\u200d\u2060\ufeff\uE000]/g, '')
    .replace(/[ \t]+$/gm, '');
}

const isQuoted = (line: string | undefined): boolean => line !== undefined && /^\s*>/.test(line);

function nextNonEmptyIndex(lines: string[], from: number): number {
  let i = from;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  return i;
}

const nextNonEmpty = (lines: string[], from: number): string | undefined =>
  lines[nextNonEmptyIndex(lines, from)];

/** How many lines (1..3) an attribution starting at line i spans; 0 when there is none. */
function attributionLength(lines: string[], i: number): number {
  const first = lines[i] ?? '';
  if (first.trim() === '' || isQuoted(first)) return 0;
  let joined = '';
  for (let n = 1; n <= 3 && i + n - 1 < lines.length; n++) {
    joined = `${joined} ${(lines[i + n - 1] ?? '').trim()}`.trim();
    if (joined.length > 400) return 0;
    if (ATTRIBUTION_END.test(joined)) {
      // A line of the writer's own ending in "wrote:" is rare; demand the usual shapes anyway.
      const shaped =
        ATTRIBUTION_START.test(joined) || /@|\d/.test(joined) || isQuoted(nextNonEmpty(lines, i + n));
      return shaped ? n : 0;
    }
    if (n === 1 && !ATTRIBUTION_START.test(joined)) return 0;
  }
  return 0;
}

/** "From: …" followed within a few lines by "Sent: …" or "Date: …": the head of a copied message. */
function isHeaderBlock(lines: string[], i: number): boolean {
  if (!FROM_FIELD.test(lines[i] ?? '')) return false;
  for (let j = i + 1; j <= i + 6 && j < lines.length; j++) {
    if (SENT_FIELD.test(lines[j] ?? '')) return true;
  }
  return false;
}

/** Lines this long are paragraphs, never a signature; email-reply-parser's patterns backtrack on them. */
const LONG_LINE = 1000;
/** A private-use character marks a shielded line; normalise() removes any the sender put in. */
const SHIELD = '\uE000';

/** email-reply-parser's signature rules ("Kind regards", "Sent from …"), with long lines shielded from it. */
function dropLibrarySignature(text: string): string {
  const long: string[] = [];
  const shielded = text
    .split('\n')
    .map((line) => (line.length > LONG_LINE ? `${SHIELD}${long.push(line) - 1}${SHIELD}` : line))
    .join('\n');
  const visible = new EmailReplyParser().read(shielded).getVisibleText();
  return visible.replace(
    new RegExp(`${SHIELD}(\\d+)${SHIELD}`, 'g'),
    (_, index: string) => long[Number(index)] ?? '',
  );
}

function cutSignature(text: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => SIGNATURE_START.some((pattern) => pattern.test(line.trim())));
  return (at < 0 ? lines : lines.slice(0, at)).join('\n');
}

function tidy(text: string): string {
  const lines = text.split('\n').map((line) => line.trimEnd());
  while (lines.length > 0 && /^[\s_\-=]*$/.test(lines[lines.length - 1] ?? '')) lines.pop();
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
