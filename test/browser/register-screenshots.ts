// Screenshots of the public camera register, desktop (1280 wide) and phone (390 wide), into
// docs/screenshots/register-{desktop,mobile}.png: `npx tsx test/browser/register-screenshots.ts`.
// Starts its own local stack and fills the register with entries like the seed register's systems.
import { putItems, sampleRegisterItems } from '../support/register.js';
import { OUT, WIDTHS, withStackAndBrowser } from './screenshot-run.js';

await withStackAndBrowser(async (t, browser) => {
  await putItems(sampleRegisterItems());
  for (const [label, width] of Object.entries(WIDTHS)) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${t.client.apiUrl}/register`);
    await page.screenshot({ path: `${OUT}register-${label}.png`, fullPage: true });
    await context.close();
    process.stdout.write(`register-${label}.png\n`);
  }
});
