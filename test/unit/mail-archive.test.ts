// Copies of sent mail for the evidence pack: kept once SES has the mail, credentials withheld, and
// never a reason to fail a send that SES accepted.
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

describe('sendMail with a copy for the evidence', () => {
  it('keeps a copy under the proposal once SES has the mail, credentials withheld', async () => {
    s3.on(PutObjectCommand).resolves({});
    const id = await sendMail(
      {
        to: 'cllr@parish.example',
        replyTo: `consult+${TOKEN}@replies.example`,
        subject: 'S',
        text: LINK,
        html: 'h',
      },
      { proposalId: 'p-1', kind: 'consultation' },
    );

    expect(id).toBe('ses-42');
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put?.Bucket).toBe('camera-dpia-evidence');
    expect(put?.Key).toMatch(/^evidence\/p-1\/mail\/\d{4}-\d{2}-\d{2}T[\d:.]+Z-ses-42\.json$/);
    const copy = JSON.parse(String(put?.Body));
    expect(copy).toMatchObject({ kind: 'consultation', to: 'cllr@parish.example', messageId: 'ses-42' });
    expect(JSON.stringify(copy)).not.toContain(TOKEN);
    expect(JSON.stringify(copy)).not.toContain('AbC123');
  });

  it('still answers with the message id when the copy cannot be kept', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    await expect(
      sendMail(
        { to: 'a@b.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).resolves.toBe('ses-42');
  });

  it('keeps no copy when SES refused the mail, or when no proposal is named', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Throttling'), { name: 'Throttling' }));
    await expect(
      sendMail(
        { to: 'a@b.example', subject: 'S', text: 't', html: 'h' },
        { proposalId: 'p-1', kind: 'outcome' },
      ),
    ).rejects.toThrow('Throttling');
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-43' });
    await sendMail({ to: 'a@b.example', subject: 'S', text: 't', html: 'h' });
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});
