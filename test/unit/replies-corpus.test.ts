// Issue 16: the reply corpus (test/fixtures/replies/corpus: 200+ replies as real clients format
// them, each quoting the real consultation letter). A wrong counted stance is the worst outcome:
// counted stances must be right on every reply, and few replies that state a stance may be left
// for a person. The held-out fifth was never used to tune the reader.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  confusionTable,
  type Reading,
  readCorpus,
  readManifest,
  score,
} from '../fixtures/replies/corpus/evaluate.js';

let readings: Reading[] = [];
beforeAll(async () => {
  readings = await readCorpus();
});

describe('the reply corpus', () => {
  it('has at least 200 replies, a held-out fifth, and every stance well represented', () => {
    const manifest = readManifest();
    expect(manifest.length).toBeGreaterThanOrEqual(200);
    expect(new Set(manifest.map((e) => e.file)).size).toBe(manifest.length);
    const held = manifest.filter((e) => e.heldOut).length;
    expect(held / manifest.length).toBeGreaterThanOrEqual(0.18);
    for (const stance of ['support', 'concerns', 'object', 'unclassified'] as const) {
      expect(manifest.filter((e) => e.stance === stance).length, stance).toBeGreaterThanOrEqual(30);
    }
    expect(new Set(manifest.map((e) => e.client)).size).toBeGreaterThanOrEqual(20);
  });

  it('never counts a wrong stance, and leaves at most 10% of stated stances unclassified', () => {
    const all = score(readings);
    const wrong = readings
      .filter((r) => r.stance && r.stance !== 'unclassified' && r.stance !== r.entry.stance)
      .map((r) => `${r.entry.file}: expected ${r.entry.stance}, read ${r.stance} (${r.reason})`);
    expect(wrong, confusionTable(all.confusion)).toEqual([]);
    expect(all.precision).toBe(1);
    expect(all.unclassifiedShare).toBeLessThanOrEqual(0.1);
    expect(all.wrongKind).toBe(0);
  });

  it('keeps counted-stance precision of at least 99% on the held-out fifth', () => {
    const held = score(readings.filter((r) => r.entry.heldOut));
    expect(held.counted).toBeGreaterThan(0);
    expect(held.precision).toBeGreaterThanOrEqual(0.99);
    expect(held.unclassifiedShare).toBeLessThanOrEqual(0.1);
  });

  it('never reads the quoted consultation letter as the comment, in any client format', () => {
    const leaks = readings
      .filter((r) =>
        /you object to it|Consultation on the use of|Yours faithfully,\s*Camera DPIA Team/.test(r.text),
      )
      .map((r) => r.entry.file);
    expect(leaks).toEqual([]);
  });

  it('says why, for every reply it reads', () => {
    for (const r of readings.filter((x) => x.kind === 'response')) {
      expect(r.reason, r.entry.file).toMatch(/\S/);
      // A counted stance names the keyword or phrase that decided it.
      if (r.stance !== 'unclassified') expect(r.reason, r.entry.file).toMatch(/"[^"]+"/);
    }
  });
});
