// Issue 15, load: the local SES keeps its sent mail on disk, not in memory (a long run sends
// thousands of letters), and still serves all of it: `GET /store` with and without `since`, the .eml
// download, GetSendQuota's SentLast24Hours, a restart (a line cut short by a crash skipped), and the
// viewer's Clear button.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSendQuotaCommand, SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import type { Email } from 'aws-ses-v2-local/dist/store.js';
import { afterAll, describe, expect, it } from 'vitest';
import { startSes, watchSentMail } from '../../local/ses.js';
import { localAt } from '../support/local-sdk-client.js';

const dataDir = mkdtempSync(join(tmpdir(), 'dpia-ses-disk-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const packageStore = createRequire(import.meta.url)('aws-ses-v2-local/dist/store.js') as {
  getStoreReadonly(): { emails: Email[] };
};
const sdk = (url: string) => new SESClient(localAt(url));
const mail = (to: string) =>
  new SendEmailCommand({
    Source: 'dpia@camera-dpia.test',
    Destination: { ToAddresses: [to] },
    Message: { Subject: { Data: `Letter to ${to}` }, Body: { Text: { Data: `Dear ${to}, café ✓` } } },
  });
const store = async (url: string, query = '') =>
  (await fetch(`${url}/store${query}`)).json() as Promise<{ emails: Email[]; message?: string }>;

describe('the local SES sent mail, kept on disk', () => {
  it('serves every mail from the file, holds none in memory, and reads them back after a restart', async () => {
    const dir = join(dataDir, 'a');
    // Sent two days ago (outside SentLast24Hours), then a line cut short by a crash mid-append.
    mkdirSync(join(dir, 'ses'), { recursive: true });
    const old: Email = {
      messageId: 'old-1',
      from: 'dpia@camera-dpia.test',
      replyTo: [],
      destination: { to: ['old@example.test'], cc: [], bcc: [] },
      subject: 'Old letter',
      body: { text: 'old' },
      attachments: [],
      at: Math.floor(Date.now() / 1000) - 2 * 86_400,
    };
    writeFileSync(join(dir, 'ses', 'sent.jsonl'), `${JSON.stringify(old)}\n{"messageId":"cut`);

    let ses = await startSes({ host: '127.0.0.1', port: 0, dataDir: dir });
    const seen: string[] = [];
    const unwatch = watchSentMail((email) => seen.push(email.destination.to[0] as string));
    try {
      const ids: string[] = [];
      for (const to of ['a@example.test', 'b@example.test', 'c@example.test']) {
        ids.push((await sdk(ses.url).send(mail(to))).MessageId as string);
      }
      expect(seen).toEqual(['a@example.test', 'b@example.test', 'c@example.test']);
      expect(packageStore.getStoreReadonly().emails).toEqual([]);

      const all = await store(ses.url);
      expect(all.emails.map((e) => e.messageId)).toEqual(['old-1', ...ids]);
      expect(all.emails[3]).toMatchObject({
        destination: { to: ['c@example.test'] },
        subject: 'Letter to c@example.test',
        body: { text: 'Dear c@example.test, café ✓' },
      });
      const recent = await store(ses.url, `?since=${Math.floor(Date.now() / 1000) - 60}`);
      expect(recent.emails.map((e) => e.messageId)).toEqual(ids);
      expect(await store(ses.url, `?since=${Math.floor(Date.now() / 1000) + 60}`)).toMatchObject({
        emails: [],
      });
      const bad = await fetch(`${ses.url}/store?since=yesterday`);
      expect(bad.status).toBe(400);

      const eml = (await (await fetch(`${ses.url}/get-emlContent?messageId=${ids[1]}`)).json()) as {
        body: { data: number[] };
      };
      expect(Buffer.from(eml.body.data).toString('utf8')).toContain('Letter to b@example.test');
      expect((await fetch(`${ses.url}/get-emlContent?messageId=nope`)).status).toBe(400);

      expect(await sdk(ses.url).send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 3 });

      // A restart reads the file back, and the next mail goes on a line of its own.
      await ses.close();
      ses = await startSes({ host: '127.0.0.1', port: 0, dataDir: dir });
      const after = (await sdk(ses.url).send(mail('d@example.test'))).MessageId as string;
      expect((await store(ses.url)).emails.map((e) => e.messageId)).toEqual(['old-1', ...ids, after]);
      expect(await sdk(ses.url).send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 4 });

      // The viewer's Clear button empties it, file included.
      expect((await fetch(`${ses.url}/clear-store`, { method: 'POST' })).status).toBe(200);
      expect(await store(ses.url)).toMatchObject({ emails: [] });
      expect(await sdk(ses.url).send(new GetSendQuotaCommand({}))).toMatchObject({ SentLast24Hours: 0 });
      expect(readFileSync(join(dir, 'ses', 'sent.jsonl'), 'utf8')).toBe('');
    } finally {
      unwatch();
      await ses.close();
    }
  });
});
