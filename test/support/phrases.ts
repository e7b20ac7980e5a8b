// A rendered document or mail checked for the phrases its reader must find in it, one list a
// check instead of one toContain a line.
import { expect } from 'vitest';

/** Expects `text` to hold every one of `phrases`; a failure names the first it lacks. */
export function expectPhrases(text: string, phrases: readonly string[]): void {
  for (const phrase of phrases) expect(text).toContain(phrase);
}
