// The environment every unit test of a handler needs: the table's name and a silent logger, plus
// the settings a file names, set before its tests and restored after them. With `each`, set again
// before every test and restored after it, for files whose tests stub further settings of their own.
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';

export function unitEnv(settings: Record<string, string> = {}, options: { each?: boolean } = {}): void {
  const [before, after] = options.each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => {
    const all = { DPIA_TABLE_NAME: 'camera-dpia', DPIA_LOG_LEVEL: 'silent', ...settings };
    for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
  });
  after(() => vi.unstubAllEnvs());
}
