// The local S3's journal of object metadata: what a restart (or a crash at any moment) reads back.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetadataJournal } from '../../local/s3-metadata-journal.mjs';
import { tempDir } from '../support/temp-dir.js';

const journalPath = (): string => join(tempDir('s3-journal'), 's3.metadata.jsonl');

/** Writes one more key, closes the journal, and reads the key back as the next start would. */
function writeAndRestart(path: string, journal: MetadataJournal, key: string, md5: string) {
  journal.set('raw', key, { md5 });
  journal.close();
  return new MetadataJournal(path).get('raw', key);
}

describe('the local S3 metadata journal', () => {
  it('reads back the last metadata of each key, without what was deleted, after a restart', () => {
    const path = journalPath();
    const first = new MetadataJournal(path);
    first.set('raw', 'inbound/a', { 'content-type': 'message/rfc822', md5: '1' });
    first.set('raw', 'inbound/b', { md5: '2' });
    first.set('raw', 'inbound/a', { md5: '3' });
    first.delete('raw', 'inbound/b');
    first.set('evidence', 'mail/x', { md5: '4' });
    first.set('gone', 'k', { md5: '5' });
    first.deleteBucket('gone');
    first.close();

    const inode = statSync(path).ino;
    const again = new MetadataJournal(path);
    expect(again.get('raw', 'inbound/a')).toEqual({ md5: '3' });
    expect(again.get('raw', 'inbound/b')).toBeUndefined();
    expect(again.get('evidence', 'mail/x')).toEqual({ md5: '4' });
    expect(again.get('gone', 'k')).toBeUndefined();
    // A few overwritten lines are not worth a new file: the journal is opened as it is.
    expect(statSync(path).ino).toBe(inode);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(7);
    again.close();
  });

  it('is rewritten on open with what is live once it is mostly overwritten lines', () => {
    const path = journalPath();
    const lines = Array.from(
      { length: 12_000 },
      (_, i) => `{"b":"raw","k":"k${i % 10}","m":{"md5":"${i}"}}\n`,
    );
    appendFileSync(path, lines.join(''));
    const journal = new MetadataJournal(path);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(10);
    expect(journal.get('raw', 'k9')).toEqual({ md5: '11999' });
    expect(writeAndRestart(path, journal, 'k10', 'after')).toEqual({ md5: 'after' });
  });

  it('ignores a line a crash cut short', () => {
    const path = journalPath();
    const journal = new MetadataJournal(path);
    journal.set('raw', 'inbound/a', { md5: '1' });
    journal.close();
    appendFileSync(path, '{"b":"raw","k":"inbound/b","m":{"md');
    const again = new MetadataJournal(path);
    expect(again.get('raw', 'inbound/a')).toEqual({ md5: '1' });
    expect(again.get('raw', 'inbound/b')).toBeUndefined();
    // Cut off the file too, so the next line does not run on from it.
    expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
    expect(writeAndRestart(path, again, 'inbound/c', '2')).toEqual({ md5: '2' });
  });

  it('rewrites itself once it is mostly overwritten lines', () => {
    const path = journalPath();
    const journal = new MetadataJournal(path);
    for (let i = 0; i < 12_000; i++) journal.set('raw', `k${i % 10}`, { md5: String(i) });
    journal.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBeLessThan(3_000);
    expect(new MetadataJournal(path).get('raw', 'k9')).toEqual({ md5: '11999' });
  });
});
