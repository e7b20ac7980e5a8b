// Copies of sent mail for the evidence pack: written before SES has the mail and confirmed after,
// credentials withheld, and never a reason to fail a send that SES accepted.
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { withholdCredentials } from '../../functions/shared/mail-archive.js';
import { sendMail } from '../../functions/shared/mailer.js';

const s3 = mockClient(S3Client);
const ses = mockClient(SESClient);
const TOKEN = '0123456789abcdef0123456789abcdef';
const LINK = 'https://dpia.example/review/rv-1?sig=AbC123_-xyz.987';

beforeAll(() => {
  vi.stubEnv('DPIA_SENDER_ADDRESS', 'dpia@police.example');
  vi.stubEnv('DPIA_EVIDENCE_BUCKET', 'camera-dpia-evidence');
  vi.stubEnv('DPIA_LOG_LEVEL', 'silent');
});
afterAll(() => vi.unstubAllEnvs());
beforeEach(() => {
  s3.reset();
  ses.reset();
  ses.on(SendEmailCommand).resolves({ MessageId: 'ses-42' });
});

describe('withholdCredentials', () => {
  it('withholds reply tokens and review-link signatures, in text and in HTML', () => {
    const text = `Reply to consult+${TOKEN}@replies.example or open ${LINK}`;
    const html = `<a href="https://dpia.example/review/rv-1?x=1&amp;sig=AbC123">review</a>`;
    expect(withholdCredentials(text)).toBe(
      'Reply to consult+[reply token withheld]@replies.example or open https://dpia.example/review/rv-1?sig=[withheld]',
    );
    expect(withholdCredentials(html)).toBe(
      '<a href="https://dpia.example/review/rv-1?x=1&amp;sig=[withheld]">review</a>',
    );
  });
});

/** The evidence bucket as S3 would hold it: the last body written under each key. */
function evidenceBucket(failWhen: () => boolean = () => false) {
  const objects = new Map<string, unknown>();
  s3.on(PutObjectCommand).callsFake((input: { Key: string; Body: string }) => {
    if (failWhen()) throw Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' });
    objects.set(input.Key, JSON.parse(input.Body));
    return {};
  });
  /** Every copy kept, as the evidence pack reads them (one copy, or a list). */
  const copies = () =>
    [...objects.values()].flatMap((body) => (Array.isArray(body) ? body : [body])) as Record<
      string,
      unknown
    >[];
  return { objects, copies };
}

const REFUSED = () =>
  Object.assign(new Error('Maximum sending rate exceeded.'), {
    name: 'Throttling',
    $metadata: { httpStatusCode: 400 },
  });

describe('sendMail with a copy for the evidence', () => {
  it("writes the copy before SES has the mail, then confirms it with SES's id, credentials withheld", async () => {
    const bucket = evidenceBucket();
    let copiesWhenSent: Record<string, unknown>[] = [];
    ses.on(SendEmailCommand).callsFake(() => {
      copiesWhenSent = structuredClone(bucket.copies());
      return { MessageId: 'ses-42' };
    });
    const id = await sendMail(
      {
        to: 'cllr@parish.example',
        replyTo: `consult+${TOKEN}@replies.example`,
        subject: 'S',
        text: LINK,
        html: 'h',
      },
      { proposalId: 'p-1', kind: 'review-request' },
    );

    expect(id).toBe('ses-42');
    expect(copiesWhenSent).toEqual([
      expect.objectContaining({ kind: 'review-request', to: 'cllr@parish.example', sendConfirmed: false }),
    ]);
    const puts = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts.map((p) => p.Bucket)).toEqual(['camera-dpia-evidence', 'camera-dpia-evidence']);
    // The same object, rewritten: one copy per mail.
    expect(new Set(puts.map((p) => p.Key))).toEqual(new Set([puts[0]?.Key]));
    expect(puts[0]?.Key).toMatch(
      /^evidence\/p-1\/mail\/\d{4}-\d{2}-\d{2}T[\d:.]+Z-review-request-[0-9a-f-]{36}\.json$/,
    );
    expect(bucket.copies()).toEqual([
      expect.objectContaining({ kind: 'review-request', messageId: 'ses-42', sendConfirmed: true }),
    ]);
    expect(JSON.stringify(bucket.copies())).not.toContain(TOKEN);
    expect(JSON.stringify(bucket.copies())).not.toContain('AbC123');
  });

  it("keeps the copy of a mail SES accepted when S3 fails between SES's answer and the copy", async () => {
    let accepted = false;
    const bucket = evidenceBucket(() => accepted);
    ses.on(SendEmailCommand).callsFake(() => {
      accepted = true;
      return { MessageId: 'ses-42' };
    });
    // The Lambda goes on: SES took the mail, so the task must not fail (its retry would mail twice).
    await expect(
      sendMail(
        { to: 'dpo@police.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).resolves.toBe('ses-42');
    expect(bucket.copies()).toEqual([
      expect.objectContaining({
        kind: 'outcome',
        to: 'dpo@police.example',
        messageId: '',
        sendConfirmed: false,
      }),
    ]);
  });

  it('sends nothing when the copy cannot be written first', async () => {
    evidenceBucket(() => true);
    await expect(
      sendMail(
        { to: 'a@b.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).rejects.toThrow('Service Unavailable');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('keeps no copy when SES refused the mail, one when SES never answered, none when no proposal is named', async () => {
    const bucket = evidenceBucket();
    ses.on(SendEmailCommand).rejects(REFUSED());
    await expect(
      sendMail(
        { to: 'a@b.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).rejects.toThrow('Maximum sending rate exceeded.');
    expect(bucket.copies()).toEqual([]);

    // A lost connection: SES may have taken it, so its copy stays, unconfirmed.
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }));
    await expect(
      sendMail(
        { to: 'b@b.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).rejects.toThrow('socket hang up');
    expect(bucket.copies()).toEqual([expect.objectContaining({ to: 'b@b.example', sendConfirmed: false })]);

    s3.resetHistory();
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-43' });
    await sendMail({ to: 'a@b.example', subject: 'S', text: 't', html: 'h' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
