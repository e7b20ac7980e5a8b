// What the screenshot scripts (screenshots.ts, dashboard-screenshots.ts, register-screenshots.ts)
// share: where the README's images go, the two widths each page is shot at, and a fresh local
// stack and Chromium that are closed however the run ends.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { startTestStack, type TestStack } from '../support/stack.js';
import { launchChromium } from './support.js';

export const OUT = new URL('../../docs/screenshots/', import.meta.url).pathname;
export const WIDTHS = { desktop: 1280, mobile: 390 } as const;

/** Runs `shoot` against a fresh local stack in Chromium, then closes both. */
export async function withStackAndBrowser(shoot: (t: TestStack, browser: Browser) => Promise<void>) {
  mkdirSync(OUT, { recursive: true });
  const t = await startTestStack();
  const browser = await launchChromium();
  try {
    await shoot(t, browser);
  } finally {
    await browser.close();
    await t.close();
  }
}
