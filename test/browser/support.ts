// Shared by the browser tests and the screenshot script: the packaged Chromium (or DPIA_CHROMIUM)
// driven by playwright-core, signing in through the local sign-in page, and axe.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from '../../functions/shared/chromium.js';
import { isoToUkLocal } from '../../functions/web/proposal-form.js';
import { startTestStack, type TestStack } from '../support/stack.js';

export { launchChromium };

export async function signIn(
  page: Page,
  apiUrl: string,
  role: 'manager' | 'auditor',
  user: string,
): Promise<void> {
  await page.goto(`${apiUrl}/sign-in`);
  await page.check(`#role-${role}`);
  await page.fill('#user', user);
  await Promise.all([page.waitForURL(/\/app\//), page.click('button[type=submit]:has-text("Sign in")')]);
}

/** Serious and critical axe violations on the page as it is now, as short readable lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()} ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export interface ProposalFields {
  title: string;
  publicArea: string;
  consulteesCsv: string;
  approverName: string;
  approverEmail: string;
  deadline: string;
}

/** Fills the "new proposal" form as a manager would. */
export async function fillProposalForm(page: Page, fields: ProposalFields): Promise<void> {
  await page.fill('#f-title', fields.title);
  await page.selectOption('#f-cameraType', 'ANPR');
  await page.fill('#f-publicArea', fields.publicArea);
  await page.fill('#f-site-description', 'A28 northbound, 200 m south of the Smallhythe Road junction');
  await page.fill('#f-site-latitude', '51.0686');
  await page.fill('#f-site-longitude', '0.6862');
  const factors: [string, string][] = [
    ['nationalSecurity', '2'],
    ['seriousCrime', '4'],
    ['localCrime', '4'],
    ['communityConfidence', '3'],
  ];
  for (const [key, rating] of factors) {
    await page.selectOption(`#f-justification-${key}-rating`, rating);
    await page.fill(
      `#f-justification-${key}-evidence`,
      `Evidence for ${key}: incidents recorded on the A28 corridor over the last twelve months.`,
    );
  }
  await page.fill('#f-consulteesCsv', fields.consulteesCsv);
  await page.fill('#f-responseDeadline', fields.deadline);
  await page.fill('#f-approver-name', fields.approverName);
  await page.fill('#f-approver-email', fields.approverEmail);
}

/** A datetime-local value this many hours ahead, UK time, as the form's own converter writes it. */
export const deadlineInHours = (hours: number): string =>
  isoToUkLocal(new Date(Date.now() + hours * 3600_000).toISOString());

/**
 * Issue 20, the full form: the 12 principles (principle 9 not met, with a note), one risk with its
 * residual risk, alternatives, screening, legal regime, lawful basis, data and recipients.
 */
export async function fillAssessment(page: Page, options: { lawfulBasis?: string } = {}): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await page.check(`#f-checklist-${i}-met-${i === 8 ? 'no' : 'yes'}`);
  }
  await page.fill('#f-checklist-8-note', 'Encryption at rest to be confirmed by the supplier.');
  await page.fill('#f-risk-0-description', 'Vehicles of residents recorded routinely, beyond the purpose');
  await page.selectOption('#f-risk-0-likelihood', '3');
  await page.selectOption('#f-risk-0-severity', '2');
  await page.fill(
    '#f-risk-0-mitigation',
    'Normal access limited to 90 days; senior authorisation after that.',
  );
  await page.selectOption('#f-risk-0-residualLikelihood', '1');
  await page.fill(
    '#f-alternativesConsidered',
    'Mobile ANPR patrols were considered; they cannot cover the route at night.',
  );
  for (const [key, answer] of [
    ['systematicMonitoring', 'yes'],
    ['newTechnology', 'no'],
    ['locationTracking', 'yes'],
    ['dataMatching', 'yes'],
    ['lawEnforcement', 'yes'],
  ]) {
    await page.check(`#f-screening-${key}-${answer}`);
  }
  await page.selectOption('#f-legalRegime', 'dpa-2018-part-3');
  await page.fill(
    '#f-lawfulBasis',
    options.lawfulBasis ?? 'DPA 2018 s.35(2)(b): necessary for a law enforcement task of the force.',
  );
  await page.fill('#f-dataCategories', 'Vehicle registration marks\nImages of vehicles');
  await page.fill('#f-recipients', 'The National ANPR Service (NAS)');
}

/**
 * A local stack and a Chromium for a browser test file, started together before its tests and
 * closed after them; `use` receives both (the file keeps them in its own variables).
 */
export function useBrowserStack(use: (stack: TestStack, browser: Browser) => void): void {
  let started: [TestStack, Browser] | undefined;
  beforeAll(async () => {
    started = await Promise.all([startTestStack(), launchChromium()]);
    use(...started);
  }, 60_000);
  afterAll(async () => {
    await started?.[1].close();
    await started?.[0].close();
  });
}
