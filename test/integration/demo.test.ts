// `npx dpia demo` on its own fresh temporary stack: the whole lifecycle, printed, exit 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('dpia demo', () => {
  it('walks the lifecycle and exits 0', () => {
    const out = mkdtempSync(join(tmpdir(), 'dpia-demo-test-'));
    const run = spawnSync(process.execPath, ['bin/dpia.js', 'demo', '--out', out], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 90_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    for (const step of [
      'SUPPORT',
      'CONCERNS',
      'OBJECT',
      'out-of-office',
      'after the deadline',
      'verified the decision chain',
    ]) {
      expect(run.stdout).toContain(step);
    }
    expect(run.stdout).toContain('Demo complete.');
    // It ends with the DPIA as signed, both editions as HTML and PDF, in the directory it names.
    expect(run.stdout).toContain(`The DPIA document, as signed, is in ${out}`);
    expect(readdirSync(out).sort()).toEqual([
      expect.stringMatching(/^DPIA-\d{4}-\d{4}-public\.html$/),
      expect.stringMatching(/^DPIA-\d{4}-\d{4}-public\.pdf$/),
      expect.stringMatching(/^DPIA-\d{4}-\d{4}\.html$/),
      expect.stringMatching(/^DPIA-\d{4}-\d{4}\.pdf$/),
    ]);
    rmSync(out, { recursive: true, force: true });
  }, 100_000);
});
