// The environment every unit test of a handler needs: the table's name and a silent logger, plus
// the settings a file names, set before its tests and restored after them. With `each`, set again
// before every test and restored after it, for files whose tests stub further settings of their own.
import { afterAll, afterEach, beforeAll, beforeEach, vi } from 'vitest';

/** The settings of a task that mails a signed link (the approver's review, the DPO's advice). */
export const LINK_MAIL_SETTINGS = {
  DPIA_SENDER_ADDRESS: 'dpia@camera-dpia.test',
  DPIA_PUBLIC_BASE_URL: 'https://dpia.example.police.uk',
  DPIA_REVIEW_KEY_SECRET_ID: 'camera-dpia/review-link-key',
  DPIA_EVIDENCE_BUCKET: 'camera-dpia-evidence',
};

export function unitEnv(settings: Record<string, string> = {}, options: { each?: boolean } = {}): void {
  const [before, after] = options.each ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(() => {
    const all = { DPIA_TABLE_NAME: 'camera-dpia', DPIA_LOG_LEVEL: 'silent', ...settings };
    for (const [name, value] of Object.entries(all)) vi.stubEnv(name, value);
  });
  after(() => vi.unstubAllEnvs());
}
