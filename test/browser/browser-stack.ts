// A browser test file's local stack and Chromium as one value, there once its tests run: each file
// holds `t` instead of two variables and a callback that sets them.
import type { Browser } from 'playwright-core';
import type { TestStack } from '../support/stack.js';
import { useBrowserStack } from './support.js';

export interface BrowserTestStack {
  /** The local stack's client: its HTTP API, mail and waits. */
  client: TestStack['client'];
  browser: Browser;
}

/** Starts the stack and Chromium before the file's tests (useBrowserStack) and closes them after. */
export function browserTestStack(): BrowserTestStack {
  const t = {} as BrowserTestStack;
  useBrowserStack((stack, browser) => {
    t.client = stack.client;
    t.browser = browser;
  });
  return t;
}
