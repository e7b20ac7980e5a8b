// The reply reader (functions/replies/parse.ts) on replies as real mail clients write them: the
// labelled fixtures, the corners of MIME and quoting, and the new text above the quoted letter. How
// a stance is read from that text is in replies-classify.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { classifyStance } from '../../functions/replies/classify.js';
import { extractNewText, parseReply } from '../../functions/replies/parse.js';
import { Stance } from '../../functions/shared/model/consultation.js';
import { EmailAddress } from '../../functions/shared/model/proposal.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'replies');
const SUBJECT = 'Re: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]';
/** The consultation's reply address the fixtures were sent to. */
const REPLY_ADDRESS = 'consult+0f4c2a9b7d1e3f5a6b8c9d0e1f2a3b4c@replies.camera-dpia.test';

const Expected = z.strictObject({
  file: z.string().endsWith('.eml'),
  kind: z.enum(['response', 'auto-reply', 'delivery-report']),
  stance: z.nullable(Stance),
  from: z.string().optional(),
  fromName: z.string().optional(),
  subject: z.string().optional(),
  commentIncludes: z.array(z.string()).optional(),
  commentExcludes: z.array(z.string()).optional(),
  commentEquals: z.string().optional(),
  failedRecipients: z.array(z.string()).optional(),
});
const manifest = z.array(Expected).parse(JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')));

/** A reply from a@example.org to the reply address under the letter's subject; `options` adds or changes the rest. */
const replyMail = (options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> =>
  new MailComposer({ from: 'a@example.org', to: REPLY_ADDRESS, subject: SUBJECT, ...options })
    .compile()
    .build();

describe('reply fixtures (real-looking mail from common clients)', () => {
  it('has at least 25 fixtures, every one in the manifest', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(25);
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
  });

  it.each(manifest)('$file: $kind / $stance', async (expected) => {
    const parsed = await parseReply(readFileSync(join(FIXTURES, expected.file)));
    expect(parsed.kind).toBe(expected.kind);
    const stance = parsed.kind === 'response' ? classifyStance(parsed.subject, parsed.text) : null;
    expect(stance).toBe(expected.stance);
    for (const text of expected.commentIncludes ?? []) expect(parsed.text).toContain(text);
    for (const text of expected.commentExcludes ?? []) expect(parsed.text).not.toContain(text);
    if (expected.commentEquals !== undefined) expect(parsed.text).toBe(expected.commentEquals);
    if (expected.from !== undefined) expect(parsed.from).toBe(expected.from);
    if (expected.fromName !== undefined) expect(parsed.fromName).toBe(expected.fromName);
    if (expected.subject !== undefined) expect(parsed.subject).toBe(expected.subject);
    if (expected.failedRecipients !== undefined) {
      expect(parsed.bounce?.failed).toBe(true);
      expect(parsed.bounce?.failedRecipients).toEqual(expected.failedRecipients);
    }
    // Never anything from the quoted consultation letter, in any fixture.
    expect(parsed.text).not.toMatch(/you object to it|Yours faithfully|Dear Cllr Si/);
  });

  it('reads the header fields every reply needs', async () => {
    const parsed = await parseReply(readFileSync(join(FIXTURES, '01-outlook-original-message.eml')));
    expect(parsed).toMatchObject({
      messageId: '<DB9PR05MB81230F4A2E7C1B9D3A6E5C88B2A12@DB9PR05MB8123.eurprd05.prod.outlook.com>',
      from: 'amara.okafor@tenterden-tc.example',
      fromName: 'Amara Okafor',
      to: [REPLY_ADDRESS],
      cc: [],
      subject: 'RE: Consultation on the use of ANPR in Tenterden [DPIA-2026-0001]',
      date: '2026-12-07T11:15:39.000Z',
      kind: 'response',
      bounce: null,
    });
  });

  it('finds the bounced consultation mail inside a delivery report', async () => {
    const parsed = await parseReply(readFileSync(join(FIXTURES, '22-delivery-status-notification.eml')));
    expect(parsed.bounce?.originalAddresses).toContain(REPLY_ADDRESS);
  });

  it('does not treat a "delayed" delivery report as a failure', async () => {
    const raw = readFileSync(join(FIXTURES, '22-delivery-status-notification.eml'), 'latin1')
      .replace('Action: failed', 'Action: delayed')
      .replace('Status: 5.1.1', 'Status: 4.4.7');
    const parsed = await parseReply(Buffer.from(raw, 'latin1'));
    expect(parsed.kind).toBe('delivery-report');
    expect(parsed.bounce).toMatchObject({ failed: false, failedRecipients: [] });
  });

  it('treats Auto-Submitted: no as a person writing', async () => {
    const raw = await replyMail({ text: 'SUPPORT', headers: { 'Auto-Submitted': 'no' } });
    expect((await parseReply(raw)).kind).toBe('response');
  });

  it.each([
    ['Precedence', 'bulk'],
    ['Precedence', 'junk'],
    ['X-Autorespond', 'yes'],
    ['Auto-Submitted', 'auto-generated'],
  ])('treats %s: %s as an auto-reply', async (name, value) => {
    const raw = await replyMail({ to: 'b@example.org', text: 'SUPPORT', headers: { [name]: value } });
    expect((await parseReply(raw)).kind).toBe('auto-reply');
  });

  it.each([
    'Out of Office: x',
    'Automatic reply: x',
    'Autoreply: x',
    'Abwesenheit: x',
    'I am away until Monday',
  ])('treats the subject "%s" as an auto-reply', async (subject) => {
    const raw = await replyMail({ to: 'b@example.org', subject, text: 'SUPPORT' });
    expect((await parseReply(raw)).kind).toBe('auto-reply');
  });

  it('keeps a date of null when the Date header cannot be read', async () => {
    const raw = Buffer.from('From: a@example.org\r\nDate: yesterday-ish\r\nSubject: x\r\n\r\nSUPPORT\r\n');
    expect((await parseReply(raw)).date).toBeNull();
  });
});

describe('parseReply corners', () => {
  const LETTER =
    'Dear Sian,\r\nPut SUPPORT, CONCERNS or OBJECT on the first line.\r\nYours faithfully,\r\nDPIA Team';
  const mail = (headers: string[], body: string | Buffer): Buffer =>
    Buffer.concat([Buffer.from(`${headers.join('\r\n')}\r\n\r\n`), Buffer.from(body)]);
  /** A multipart body with the boundary b1: each part's lines after its boundary, then the last one. */
  const multipart = (...parts: string[][]): string =>
    [...parts.flatMap((part) => ['--b1', ...part]), '--b1--', ''].join('\r\n');
  const textPart = (text: string) => ['Content-Type: text/plain', '', text];
  /** The consultation letter as a message inside another (a bounce's returned copy, a forward). */
  const letterPart = (...headers: string[]) => [
    'Content-Type: message/rfc822',
    '',
    ...headers,
    'Subject: Consultation',
    '',
    LETTER,
  ];

  /** What a mail server sends the reply address: its From, Subject and multipart type, then the parts. */
  const fromMailServer = (from: string, subject: string, type: string, ...parts: string[][]) =>
    mail(
      [
        `From: ${from}`,
        `To: ${REPLY_ADDRESS}`,
        `Subject: ${subject}`,
        `Content-Type: ${type}; boundary="b1"`,
      ],
      multipart(...parts),
    );

  it.each([
    ['windows-1252', '8bit'],
    ['windows-1252', 'quoted-printable'],
    ['iso-8859-1', 'base64'],
    // Labelled ASCII but written by a Windows client: read as browsers read it, not as U+FFFD.
    ['us-ascii', '8bit'],
  ])('reads a %s body sent as %s', async (charset, encoding) => {
    const bytes = Buffer.from(
      charset === 'iso-8859-1'
        ? 'OBJECT \xb7 Si\xe2n, caf\xe9\r\n'
        : 'OBJECT \x96 I don\x92t support \x93this\x94\r\n',
      'latin1',
    );
    const body =
      encoding === 'base64'
        ? bytes.toString('base64')
        : encoding === 'quoted-printable'
          ? [...bytes]
              .map((b) => (b > 126 || b === 61 ? `=${b.toString(16).toUpperCase()}` : String.fromCharCode(b)))
              .join('')
          : bytes;
    const parsed = await parseReply(
      mail(
        [
          'From: a@example.org',
          `Subject: ${SUBJECT}`,
          `Content-Type: text/plain; charset=${charset}`,
          `Content-Transfer-Encoding: ${encoding}`,
        ],
        body,
      ),
    );
    expect(parsed.text).toBe(
      charset === 'iso-8859-1' ? 'OBJECT · Siân, café' : 'OBJECT – I don’t support “this”',
    );
  });

  it('reads an HTML-only reply with an inline image (multipart/related) as text', async () => {
    const raw = await replyMail({
      html: '<p>OBJECT &ndash; the site is wrong.</p><p><img src="cid:logo@x"></p><p>Jo</p>',
      attachments: [{ filename: 'logo.png', content: Buffer.from('png'), cid: 'logo@x' }],
    });
    const parsed = await parseReply(raw);
    expect(parsed.text).toBe('OBJECT – the site is wrong.\n\nJo');
    expect(classifyStance(parsed.subject, parsed.text)).toBe('object');
  });

  it('keeps the answers an HTML reply writes between quoted passages', async () => {
    const raw = await replyMail({
      html: '<blockquote>Do you support it?</blockquote><div>Yes.</div><blockquote>Any concerns?</blockquote><div>No.</div>',
    });
    expect((await parseReply(raw)).text).toBe('Yes.\n\nNo.');
  });

  it('reads a delivery report that returns the whole bounced message, and keeps its letter out of the text', async () => {
    // The report's machine-readable part: the one recipient failed for good.
    const failed = [
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.org',
      '',
      'Final-Recipient: rfc822; Gone@Example.org',
      'Action: failed',
      'Status: 5.1.1',
    ];
    const raw = fromMailServer(
      'Mail Delivery System <MAILER-DAEMON@mx.example.org>',
      'Undelivered Mail Returned to Sender',
      'multipart/report; report-type="delivery-status"',
      textPart('Your message could not be delivered.'),
      failed,
      letterPart(
        'From: DPIA Team <dpia@camera-dpia.test>',
        `Reply-To: ${REPLY_ADDRESS}`,
        'To: Gone@Example.org',
      ),
    );
    const parsed = await parseReply(raw);
    expect(parsed.kind).toBe('delivery-report');
    expect(parsed.bounce).toEqual({
      failed: true,
      failedRecipients: ['gone@example.org'],
      originalAddresses: [REPLY_ADDRESS, 'gone@example.org'],
    });
    expect(parsed.text).not.toContain('OBJECT');
  });

  it('reads the returned copy of a daemon bounce that has no report part', async () => {
    const raw = fromMailServer(
      'Mail Delivery Subsystem <postmaster@mx.example.org>',
      'Delivery Status Notification (Failure)',
      'multipart/mixed',
      textPart('<gone@example.org>: no such user'),
      letterPart(`To: Gone@Example.org, ${REPLY_ADDRESS}`),
    );
    expect((await parseReply(raw)).bounce).toEqual({
      failed: true,
      failedRecipients: ['gone@example.org'],
      originalAddresses: ['gone@example.org', REPLY_ADDRESS],
    });
  });

  it('leaves a forwarded message attached to a reply out of its text', async () => {
    const raw = mail(
      ['From: a@example.org', `Subject: ${SUBJECT}`, 'Content-Type: multipart/mixed; boundary="b1"'],
      multipart(
        textPart('CONCERNS, see the letter below.'),
        letterPart('From: DPIA Team <dpia@camera-dpia.test>'),
      ),
    );
    expect((await parseReply(raw)).text).toBe('CONCERNS, see the letter below.');
  });

  it('keeps an internationalised domain in the ASCII form a consultee address is stored in', async () => {
    const raw = mail(['From: Siân <Sian@xn--mnchen-3ya.DE>', `Subject: ${SUBJECT}`], 'SUPPORT\r\n');
    const parsed = await parseReply(raw);
    expect(parsed.from).toBe('sian@xn--mnchen-3ya.de');
    expect(EmailAddress.safeParse(parsed.from).success).toBe(true);
  });

  it('reads folded and repeated address headers, groups included, and brackets a bare Message-ID', async () => {
    const raw = mail(
      [
        'From: =?utf-8?Q?Si=C3=A2n?=\r\n\tJones <Sian@Example.org>',
        `To: Council: A <A@x.example>, b@x.example;, ${REPLY_ADDRESS}`,
        'To: c@x.example',
        'Cc: d@x.example',
        'Message-ID: 1234@mail.example.org',
        'Subject: =?utf-8?Q?Re:_Consultation?=\r\n =?utf-8?Q?_on_ANPR?=',
      ],
      'SUPPORT\r\n',
    );
    expect(await parseReply(raw)).toMatchObject({
      from: 'sian@example.org',
      fromName: 'Siân Jones',
      to: ['a@x.example', 'b@x.example', REPLY_ADDRESS, 'c@x.example'],
      cc: ['d@x.example'],
      messageId: '<1234@mail.example.org>',
      subject: 'Re: Consultation on ANPR',
      date: null,
    });
  });
});

describe('extractNewText', () => {
  it('keeps interleaved answers and drops the quotes between them', () => {
    expect(extractNewText('> Question one?\nYes.\n> Question two?\nNo.\n')).toBe('Yes.\nNo.');
  });

  it('cuts at an unmarked Outlook header block, a separator line and a forwarded message', () => {
    expect(extractNewText('OBJECT\n\nFrom: A <a@x>\nSent: Monday\nTo: B\n\nSUPPORT')).toBe('OBJECT');
    expect(extractNewText('OBJECT\n________________________________\nFrom: A\nDate: Monday\n\nSUPPORT')).toBe(
      'OBJECT',
    );
    expect(extractNewText('OBJECT\n\n---------- Forwarded message ---------\nSUPPORT')).toBe('OBJECT');
    expect(extractNewText('OBJECT\n\n-------- Original message --------\nSUPPORT')).toBe('OBJECT');
  });

  it('cuts an attribution with no quote marks below it (the quote is unmarked)', () => {
    expect(
      extractNewText('Support.\n\nOn 7 Dec 2026, at 10:02, DPIA <d@x> wrote:\n\nDear Sian,\nOBJECT'),
    ).toBe('Support.');
  });

  it('drops signatures, phone footers and legal footers', () => {
    expect(extractNewText('SUPPORT\n\nSent from my Galaxy')).toBe('SUPPORT');
    expect(extractNewText('SUPPORT\n\nGet Outlook for iOS')).toBe('SUPPORT');
    expect(extractNewText('SUPPORT\n-- \nJo Bloggs\nClerk')).toBe('SUPPORT');
    expect(extractNewText('SUPPORT\n\nDISCLAIMER: this message may contain OBJECT')).toBe('SUPPORT');
  });

  it('keeps long paragraphs whole and stays fast on a megabyte-long line', async () => {
    const paragraph = `I support this. ${'The High Street needs it. '.repeat(60)}`.trim();
    expect(extractNewText(`${paragraph}\n\nKind regards,\nJo`)).toBe(paragraph);
    const raw = Buffer.from(
      `From: a@example.org\r\nSubject: x\r\n\r\nSUPPORT\r\nOn ${'ab cd '.repeat(200_000)}\r\n`,
    );
    const started = Date.now();
    const parsed = await parseReply(raw);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(parsed.text.startsWith('SUPPORT\nOn ab cd')).toBe(true);
  });

  it('keeps a writer\'s line that merely starts with "On"', () => {
    expect(extractNewText('On balance, I support this.\nThanks')).toBe('On balance, I support this.\nThanks');
  });
});
