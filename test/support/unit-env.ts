// The environment every unit test of a handler needs: the table's name and a silent logger, plus
// the settings a file names, set before its tests and restored after them.
import { afterAll, beforeAll, vi } from 'vitest';

export function unitEnv(settings: Record<string, string> = {}): void {
  beforeAll(() => {
    const all = { DPIA_TABLE_NAME: 'camera-dpia', DPIA_LOG_LEVEL: 'silent', ...settings };
    for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
  });
  afterAll(() => vi.unstubAllEnvs());
}
