// The SES-receiving stand-in's journal of accepted, not yet handled messages: what a crash at any
// moment leaves to be handed over again on the next start.
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { journalPath, PendingJournal, readPending } from '../../local/smtp-journal.js';
import { tempDir } from '../support/temp-dir.js';

/** A journal in a fresh directory, as a stack's first start opens it. */
function newJournal(): { dir: string; journal: PendingJournal } {
  const dir = tempDir('journal');
  return { dir, journal: new PendingJournal(dir) };
}

const event = (subject: string) => JSON.stringify({ Records: [{ ses: { mail: { subject } } }] });

/** 150 large messages accepted and handled: the journal grows past 1 MiB of lines no longer pending. */
function growPastOneMiB(journal: PendingJournal): void {
  const big = event('x'.repeat(10_000));
  for (let i = 0; i < 150; i++) {
    journal.add(`m${i}`, big);
    journal.done(`m${i}`);
  }
}

describe('the pending journal', () => {
  it('hands over again every accepted message not marked done, in the order accepted', () => {
    const { dir, journal } = newJournal();
    journal.add('a1', event('first'));
    journal.add('b2', event('second'));
    journal.add('c3', event('third'));
    journal.done('b2');
    // A crash now: the journal is not closed.
    expect(readPending(dir)).toEqual([
      { id: 'a1', event: event('first') },
      { id: 'c3', event: event('third') },
    ]);
  });

  it('ignores a line a crash cut short: its sender was never told 250', () => {
    const { dir, journal } = newJournal();
    journal.add('a1', event('whole'));
    journal.close();
    appendFileSync(journalPath(dir), `+b2 ${event('cut').slice(0, 20)}`);
    expect(readPending(dir).map((p) => p.id)).toEqual(['a1']);
  });

  it('hands over on start what is still pending and keeps appending to the same file', () => {
    const { dir, journal: first } = newJournal();
    for (let i = 0; i < 50; i++) first.add(`m${i}`, event(`message ${i}`));
    for (let i = 0; i < 49; i++) first.done(`m${i}`);
    first.close();
    const inode = statSync(journalPath(dir)).ino;
    const second = new PendingJournal(dir);
    expect(second.pending).toEqual([{ id: 'm49', event: event('message 49') }]);
    // A small journal is not rewritten: a start creates no file.
    expect(statSync(journalPath(dir)).ino).toBe(inode);
    second.add('n1', event('after the restart'));
    second.done('m49');
    expect(readPending(dir)).toEqual([{ id: 'n1', event: event('after the restart') }]);
  });

  it('is emptied in place on start when nothing is pending', () => {
    const { dir, journal: first } = newJournal();
    first.add('a1', event('handled'));
    first.done('a1');
    first.close();
    const inode = statSync(journalPath(dir)).ino;
    const second = new PendingJournal(dir);
    expect(second.pending).toEqual([]);
    expect(statSync(journalPath(dir))).toMatchObject({ ino: inode, size: 0 });
    second.close();
  });

  it('is rewritten on start with just what is pending once it has grown large', () => {
    const { dir, journal: first } = newJournal();
    first.add('slow', event('still pending'));
    growPastOneMiB(first);
    first.close();
    const second = new PendingJournal(dir);
    expect(readFileSync(journalPath(dir), 'utf8')).toBe(`+slow ${event('still pending')}\n`);
    second.done('slow');
    expect(readPending(dir)).toEqual([]);
  });

  it('cuts a line a crash cut short off the file on start, so the next message reads back whole', () => {
    const { dir, journal: first } = newJournal();
    first.add('a1', event('whole'));
    first.close();
    appendFileSync(journalPath(dir), `+b2 ${event('cut').slice(0, 20)}`);
    const second = new PendingJournal(dir);
    expect(second.pending.map((p) => p.id)).toEqual(['a1']);
    second.add('c3', event('after the crash'));
    expect(readPending(dir).map((p) => p.id)).toEqual(['a1', 'c3']);
  });

  it('takes over the one-file-per-message markers an earlier stack left in pending/', () => {
    const dir = tempDir('journal');
    mkdirSync(join(dir, 'pending'));
    writeFileSync(join(dir, 'pending', 'old1.json'), `${event('left by an earlier version')}\n`);
    writeFileSync(join(dir, 'pending', 'old2.json.tmp'), '{"Rec');
    const pending = readPending(dir);
    expect(pending).toEqual([{ id: 'old1', event: event('left by an earlier version') }]);
    const journal = new PendingJournal(dir);
    expect(existsSync(join(dir, 'pending'))).toBe(false);
    journal.done('old1');
    expect(readPending(dir)).toEqual([]);
  });

  it('is cut back to nothing once it has grown large and nothing is pending', () => {
    const { dir, journal } = newJournal();
    journal.add('slow', event('handled last'));
    growPastOneMiB(journal);
    expect(statSync(journalPath(dir)).size).toBeGreaterThan(1024 * 1024);
    journal.done('slow');
    expect(statSync(journalPath(dir)).size).toBe(0);
    journal.add('next', event('next'));
    expect(readPending(dir)).toEqual([{ id: 'next', event: event('next') }]);
  });

  it('records nothing after it is closed, so a late outcome leaves the message to the next start', () => {
    const { dir, journal } = newJournal();
    journal.add('a1', event('late'));
    journal.close();
    journal.done('a1');
    expect(readPending(dir).map((p) => p.id)).toEqual(['a1']);
  });
});
