// The local inbound SMTP server against a real s3rver and a recording stub handler: what lands in S3,
// the SES-shaped event the handler gets, what is refused, and what survives a crash before invoking.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULTS, rawMailKey } from '../../functions/shared/config.js';
import { SesReceiptEvent } from '../../functions/shared/ses-event.js';
import type { RunningService } from '../../local/service.js';
import { startSmtp } from '../../local/smtp.js';
import { readPending } from '../../local/smtp-journal.js';

// s3rver ships no types: the parts this test calls.
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}) => S3rverInstance;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const host = '127.0.0.1';
const domain = 'replies.camera-dpia.test';
const bucket = DEFAULTS.rawMailBucket;
const functionArn = 'arn:aws:lambda:eu-west-2:000000000000:function:camera-dpia-inbound-mail';
const replyAddress = `consult+${randomBytes(16).toString('hex')}@${domain}`;
const consultee = 'zoe.obriain@northdale-council.example';
const envelopeSender = 'bounces+7731@northdale-council.example';

let root: string;
let s3rver: S3rverInstance;
let s3: S3Client;
const running = new Set<RunningService>();

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'dpia-smtp-'));
  s3rver = new S3rver({
    address: host,
    port: 0,
    directory: join(root, 's3'),
    silent: true,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await s3rver.run();
  s3 = new S3Client({
    endpoint: `http://${host}:${port}`,
    forcePathStyle: true,
    // s3rver would store aws-chunked framing verbatim: plain bodies only.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    region: 'eu-west-2',
    // s3rver's own dummy key pair.
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});

afterEach(async () => {
  for (const service of running) await service.close();
  running.clear();
  vi.restoreAllMocks();
});

afterAll(async () => {
  s3.destroy();
  await s3rver.close();
  rmSync(root, { recursive: true, force: true });
});

/** Starts the SMTP server on a free port with its own data dir unless one is given. */
async function startServer(
  invoke: (event: SesReceiptEvent) => Promise<unknown>,
  dataDir = mkdtempSync(join(root, 'data-')),
): Promise<{ port: number; dataDir: string; service: RunningService }> {
  const service = await startSmtp({
    host,
    port: 0,
    inboundDomain: domain,
    s3,
    bucket,
    functionArn,
    invoke,
    dataDir,
  });
  running.add(service);
  return { port: Number(new URL(service.url).port), dataDir, service };
}

function recorder(): { events: SesReceiptEvent[]; invoke: (event: SesReceiptEvent) => Promise<unknown> } {
  const events: SesReceiptEvent[] = [];
  return { events, invoke: async (event) => events.push(event) };
}

async function send(port: number, envelope: { from: string; to: string[] }, raw: Buffer) {
  const transport = createTransport({ host, port, secure: false, ignoreTLS: true });
  try {
    return await transport.sendMail({ envelope, raw });
  } finally {
    transport.close();
  }
}

async function storedKeys(): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: DEFAULTS.rawMailPrefix }));
  return (listed.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []));
}

async function storedBytes(key: string): Promise<Buffer> {
  const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (!object.Body) throw new Error(`no body for ${key}`);
  return Buffer.from(await object.Body.transformToByteArray());
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends each command after the previous reply; returns every reply line that ends a reply. */
function dialogue(port: number, commands: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, host);
    const replies: string[] = [];
    const queue = [...commands];
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (data: string) => {
      buffered += data;
      let end = buffered.indexOf('\r\n');
      while (end >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        // "250-..." continues a reply, "250 ..." ends it.
        if (/^\d{3}(?: |$)/.test(line)) {
          replies.push(line);
          const next = queue.shift();
          if (next !== undefined) socket.write(`${next}\r\n`);
        }
        end = buffered.indexOf('\r\n');
      }
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(replies));
  });
}

const simpleMessage = (subject: string): Buffer =>
  Buffer.from(
    [
      `From: ${consultee}`,
      `To: ${replyAddress}`,
      `Subject: ${subject}`,
      'Date: Wed, 12 Mar 2025 09:41:01 +0000',
      `Message-ID: <${randomBytes(8).toString('hex')}@northdale-council.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'SUPPORT',
      '',
    ].join('\r\n'),
  );

const firstRecord = (event: SesReceiptEvent) => {
  const record = event.Records[0];
  if (!record) throw new Error('event has no record');
  return record;
};

describe('local inbound SMTP', () => {
  it('stores a multipart reply byte-identical in S3 and hands the handler an SES receipt event', async () => {
    const { events, invoke } = recorder();
    const { port, dataDir } = await startServer(invoke);
    const subject = 'RE: [DPIA-2025-0007] Consultation — camera on Station Road';
    const attachment = randomBytes(48 * 1024);
    const raw = await new MailComposer({
      from: { name: 'Zoë Ó Briain-Łukasiewicz', address: consultee },
      to: replyAddress,
      subject,
      date: new Date('2025-03-12T09:41:01Z'),
      messageId: '<reply-0007-1@northdale-council.example>',
      inReplyTo: '<consultation-0007@eu-west-2.amazonses.com>',
      // The leading full stop makes the SMTP client dot-stuff the line and the server unstuff it.
      text: 'OBJECT\r\n.The camera overlooks the school gate.\r\n\r\n> On 10 March you wrote:\r\n> Dear consultee',
      html: '<p>OBJECT</p><p>The camera overlooks the school gate.</p><blockquote>Dear consultee</blockquote>',
      attachments: [{ filename: 'site-photo.png', content: attachment, contentType: 'image/png' }],
    })
      .compile()
      .build();
    expect(raw.toString('latin1')).toContain('multipart/alternative');

    const info = await send(port, { from: envelopeSender, to: [replyAddress] }, raw);
    expect(info.response).toMatch(/^250 /);
    await waitFor(() => events.length === 1, 'the handler to be invoked');

    const event = SesReceiptEvent.parse(events[0]);
    const { mail, receipt } = firstRecord(event).ses;
    expect(mail.messageId).toMatch(/^[a-z0-9]{40}$/);
    expect(info.response).toContain(mail.messageId);
    expect(Buffer.compare(await storedBytes(rawMailKey(mail.messageId)), raw)).toBe(0);
    expect(mail.source).toBe(envelopeSender);
    expect(mail.destination).toEqual([replyAddress]);
    expect(receipt.recipients).toEqual([replyAddress]);
    expect(mail.commonHeaders.subject).toBe(subject);
    expect(mail.commonHeaders.from).toEqual([`Zoë Ó Briain-Łukasiewicz <${consultee}>`]);
    expect(mail.commonHeaders.to).toEqual([replyAddress]);
    expect(mail.commonHeaders.messageId).toBe('<reply-0007-1@northdale-council.example>');
    expect(mail.commonHeaders.returnPath).toBe(envelopeSender);
    // Header values stay as written: the subject is still an encoded word.
    expect(mail.headers.find((h) => h.name === 'Subject')?.value).toMatch(/^=\?UTF-8\?/i);
    expect(receipt.action).toEqual({ type: 'Lambda', functionArn, invocationType: 'Event' });

    // Same shape as the recorded SES event, which the schema reads too.
    const fixture = SesReceiptEvent.parse(
      JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/ses/receipt-event.json'), 'utf8')),
    );
    const recorded = firstRecord(fixture);
    expect(Object.keys(mail).sort()).toEqual(Object.keys(recorded.ses.mail).sort());
    expect(Object.keys(receipt).sort()).toEqual(Object.keys(recorded.ses.receipt).sort());
    expect(recorded.ses.receipt.recipients[0]).toMatch(new RegExp(`^consult\\+[0-9a-f]{32}@${domain}$`));

    // Handled, so nothing is left to re-invoke.
    await waitFor(() => readPending(join(dataDir, 'smtp')).length === 0, 'the message to be done');
  });

  it('refuses recipients at other domains with 550 and delivers only to the inbound domain', async () => {
    const { events, invoke } = recorder();
    const { port } = await startServer(invoke);
    const before = await storedKeys();

    await expect(
      send(port, { from: consultee, to: ['dpo@elsewhere.example'] }, simpleMessage('Relay attempt')),
    ).rejects.toMatchObject({ responseCode: 550 });
    expect(await storedKeys()).toEqual(before);

    const info = await send(
      port,
      { from: consultee, to: [replyAddress, 'dpo@elsewhere.example'] },
      simpleMessage('Mixed recipients'),
    );
    expect(info.accepted).toEqual([replyAddress]);
    expect(info.rejected).toEqual(['dpo@elsewhere.example']);
    await waitFor(() => events.length === 1, 'the handler to be invoked');
    const { mail, receipt } = firstRecord(SesReceiptEvent.parse(events[0])).ses;
    expect(mail.destination).toEqual([replyAddress]);
    expect(receipt.recipients).toEqual([replyAddress]);
    expect(await storedKeys()).toEqual([...before, rawMailKey(mail.messageId)].sort());

    // Domains compare without regard to case. nodemailer lowercases them, so speak SMTP directly.
    const shouted = replyAddress.replace(domain, domain.toUpperCase());
    const replies = await dialogue(port, [
      'EHLO test',
      `MAIL FROM:<${consultee}>`,
      `RCPT TO:<${shouted}>`,
      'QUIT',
    ]);
    expect(replies.map((reply) => reply.slice(0, 3))).toEqual(['220', '250', '250', '250', '221']);
  });

  it('refuses a message over 10 MB with 552 and still takes the next one', async () => {
    const { events, invoke } = recorder();
    const { port } = await startServer(invoke);
    const before = await storedKeys();
    const line = `${'x'.repeat(998)}\r\n`;
    const oversized = Buffer.concat([
      simpleMessage('Too big'),
      Buffer.from(line.repeat(Math.ceil((10 * 1024 * 1024) / line.length) + 10)),
    ]);

    await expect(send(port, { from: consultee, to: [replyAddress] }, oversized)).rejects.toMatchObject({
      responseCode: 552,
    });
    expect(await storedKeys()).toEqual(before);
    expect(events).toEqual([]);

    const info = await send(port, { from: consultee, to: [replyAddress] }, simpleMessage('Small enough'));
    expect(info.response).toMatch(/^250 /);
    await waitFor(() => events.length === 1, 'the handler to be invoked');
  });

  it('answers 250 without waiting for the handler, and re-invokes a pending event on the next start', async () => {
    // The first handler never returns: the stack "crashes" between storing and handling.
    const hung = await startServer(() => new Promise(() => {}));
    const info = await send(hung.port, { from: consultee, to: [replyAddress] }, simpleMessage('Crash test'));
    expect(info.response).toMatch(/^250 /);
    const smtpDir = join(hung.dataDir, 'smtp');
    const [accepted] = readPending(smtpDir);
    expect(accepted?.id).toMatch(/^[a-z0-9]{40}$/);
    const id = accepted?.id ?? '';
    await hung.service.close();
    running.delete(hung.service);

    const { events, invoke } = recorder();
    await startServer(invoke, hung.dataDir);
    await waitFor(() => events.length === 1, 'the pending event to be re-invoked');
    const { mail } = firstRecord(SesReceiptEvent.parse(events[0])).ses;
    expect(mail.messageId).toBe(id);
    expect(mail.commonHeaders.subject).toBe('Crash test');
    expect((await storedBytes(rawMailKey(id))).toString()).toContain('Crash test');
    await waitFor(() => readPending(smtpDir).length === 0, 'the message to be done');
  });

  it('retries a failing handler twice, then keeps the event in failed/ and logs only the message id', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let attempts = 0;
    const { port, dataDir } = await startServer(async () => {
      attempts += 1;
      throw new Error(`cannot handle mail from ${consultee}`);
    });
    await send(port, { from: consultee, to: [replyAddress] }, simpleMessage('Failing handler'));
    const failed = join(dataDir, 'smtp', 'failed');
    // The SMTP service's lines only: a warning Node itself prints now and then is not ours.
    const smtpLines = () =>
      stderr.mock.calls.map(([chunk]) => String(chunk)).filter((line) => line.startsWith('smtp:'));
    // The line follows the move to failed/ (it names where the event is kept): wait for both.
    await waitFor(
      () => existsSync(failed) && readdirSync(failed).length === 1 && smtpLines().length > 0,
      'the event to be set aside and logged',
    );
    expect(attempts).toBe(3);
    expect(readPending(join(dataDir, 'smtp'))).toEqual([]);
    const id = readdirSync(failed)[0]?.slice(0, -'.json'.length) ?? '';
    const lines = smtpLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(id);
    expect(lines[0]).not.toContain('@');
    expect(lines[0]).not.toContain('Failing handler');
  });
});
