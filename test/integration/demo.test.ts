// `npx dpia demo` on its own fresh temporary stack: the whole lifecycle, printed, exit 0.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('dpia demo', () => {
  it('walks the lifecycle and exits 0', () => {
    const run = spawnSync(process.execPath, ['bin/dpia.js', 'demo'], {
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
  }, 100_000);
});
