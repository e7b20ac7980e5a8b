// Reads a received e-mail (the raw bytes SES stored) into what the consultation needs: who sent it,
// what kind of mail it is (a response, an auto-reply or a delivery report) and the new text alone,
// without quoted history or signatures, so a quoted consultation letter can never decide a stance.
import EmailReplyParser from 'email-reply-parser';
import { type AddressObject, type EmailAddress, type ParsedMail, simpleParser } from 'mailparser';
import type { ReplyKind } from '../shared/model/consultation.js';

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
  kind: MailKind;
  /** Only for delivery reports. */
  bounce: BounceReport | null;
}

/**
 * Only the start of a body is searched for new text: a reply is short, and the quote heuristics
 * (ours and email-reply-parser's) slow down badly on megabytes of one line.
 */
export const MAX_SCANNED_CHARS = 100_000;

export async function parseReply(raw: Buffer): Promise<ParsedReply> {
  // keepDeliveryStatus: the machine-readable part of a bounce stays an attachment we can read,
  // instead of being appended to the text.
  const mail = await simpleParser(raw, { keepDeliveryStatus: true, skipImageLinks: true });
  const sender = firstAddress(mail.from);
  const subject = (mail.subject ?? '').trim();
  const bounce = readBounce(mail, sender.address, subject);
  const kind: MailKind = bounce ? 'delivery-report' : isAutoReply(mail, subject) ? 'auto-reply' : 'response';
  return {
    messageId: mail.messageId?.trim() || null,
    from: sender.address,
    fromName: sender.name,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject,
    date: readDate(mail),
    text: extractNewText((mail.text ?? '').slice(0, MAX_SCANNED_CHARS)),
    kind,
    bounce,
  };
}

// ----- addresses and headers -----

function addressEntries(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const flatten = (entry: EmailAddress): EmailAddress[] =>
    entry.group ? entry.group.flatMap(flatten) : [entry];
  return objects.flatMap((object) => object.value.flatMap(flatten));
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  return addressEntries(value)
    .map((entry) => (entry.address ?? '').trim().toLowerCase())
    .filter((address) => address.includes('@'));
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string } {
  const entry = addressEntries(value).find((e) => e.address?.includes('@'));
  return { address: (entry?.address ?? '').trim().toLowerCase(), name: (entry?.name ?? '').trim() };
}

/** A header as plain text, whatever shape mailparser gave it (string, list, structured value). */
function headerText(mail: ParsedMail, name: string): string | undefined {
  const value: unknown = mail.headers.get(name);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

function readDate(mail: ParsedMail): string | null {
  // mailparser turns an unreadable Date header into "now"; the raw line tells the two apart.
  const rawLine = mail.headerLines.find((line) => line.key === 'date')?.line ?? '';
  const written = Date.parse(rawLine.replace(/^date:\s*/i, '').replace(/\s*\([^)]*\)\s*$/, ''));
  if (!mail.date || Number.isNaN(written)) return null;
  return mail.date.toISOString();
}

// ----- auto-replies -----

const AUTO_REPLY_PRECEDENCE = /^\s*(auto_reply|bulk|junk)\b/i;
const AUTO_REPLY_SUBJECT =
  /\b(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|abwesenheit\w*|i am (currently )?away|i'm (currently )?away|away from (the|my) (office|desk)|on annual leave|r[ée]ponse automatique|respuesta autom[áa]tica)\b/i;

function isAutoReply(mail: ParsedMail, subject: string): boolean {
  const autoSubmitted = headerText(mail, 'auto-submitted');
  if (autoSubmitted !== undefined && autoSubmitted.split(';')[0]?.trim().toLowerCase() !== 'no') return true;
  if (headerText(mail, 'x-autoreply') !== undefined || headerText(mail, 'x-autorespond') !== undefined) {
    return true;
  }
  const precedence = headerText(mail, 'precedence') ?? headerText(mail, 'x-precedence');
  if (precedence !== undefined && AUTO_REPLY_PRECEDENCE.test(precedence)) return true;
  return AUTO_REPLY_SUBJECT.test(subject);
}

// ----- delivery reports -----

const DAEMON_SENDER = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|bounce[s]?|mdaemon)@/i;
const BOUNCE_SUBJECT =
  /\b(undeliver(able|ed)|delivery (status notification|has failed|failure|failed)|mail delivery (failed|failure|subsystem)|returned mail|returned to sender|failure notice|could not be delivered|unzustellbar|non remis)\b/i;
const ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+\.[^\s<>"'(),;:[\]]+/g;

function readBounce(mail: ParsedMail, from: string, subject: string): BounceReport | null {
  const contentType = mail.headers.get('content-type');
  const reportType =
    typeof contentType === 'object' && contentType !== null && 'params' in contentType
      ? (contentType as { value: string; params: Record<string, string> })
      : undefined;
  const isReport =
    reportType?.value.toLowerCase() === 'multipart/report' &&
    (reportType.params['report-type'] ?? '').toLowerCase() === 'delivery-status';
  const isDaemonBounce = DAEMON_SENDER.test(from) && BOUNCE_SUBJECT.test(subject);
  if (!isReport && !isDaemonBounce) return null;

  const statusParts = mail.attachments.filter(
    (a) => a.contentType.toLowerCase() === 'message/delivery-status',
  );
  const headerParts = mail.attachments.filter((a) =>
    ['text/rfc822-headers', 'message/rfc822', 'message/rfc822-headers'].includes(a.contentType.toLowerCase()),
  );
  const originalAddresses = unique(headerParts.flatMap((part) => originalHeaderAddresses(part.content)));

  if (statusParts.length > 0) {
    const recipients = statusParts.flatMap((part) => statusRecipients(part.content.toString('utf8')));
    const failed = recipients.filter((r) => r.failed);
    return {
      failed: failed.length > 0,
      failedRecipients: unique(failed.flatMap((r) => r.addresses)),
      originalAddresses,
    };
  }
  // A bounce without the standard report part (qmail's "failure notice" and the like): the failed
  // addresses are the `<address>:` lines of the text.
  const listed = [...(mail.text ?? '').matchAll(/^<([^<>\s]+@[^<>\s]+)>:/gm)].map((m) => m[1] ?? '');
  return {
    failed: true,
    failedRecipients: unique(listed.map((a) => a.toLowerCase())),
    originalAddresses,
  };
}

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

function originalHeaderAddresses(content: Buffer): string[] {
  const text = content.toString('utf8').replace(/\r\n/g, '\n');
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
const FROM_FIELD = /^\s*\*?(from|de|von|van|da|fra)\s*:\*?\s*\S/i;
const SENT_FIELD = /^\s*\*?(sent|date|envoyé|gesendet|datum|enviado|verzonden|inviato|sendt)\s*:\*?\s*\S/i;
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
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
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
    kept.push(line);
  }
  return tidy(cutSignature(dropLibrarySignature(kept.join('\n'))));
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
