// The README's walkthrough, run as written on a fresh stack (issue 20): the two shell blocks after
// the "walkthrough" marker are read from README.md, so this test breaks when the README drifts.
// Each line runs in bash (variables it sets carry to the next lines) from a directory that holds
// only links to the repository's files, like a fresh clone, against a stack on free ports.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, collect, stackEnvironment } from '../support/cli.js';
import { startTestStack, type TestStack } from '../support/stack.js';

const root = new URL('../..', import.meta.url).pathname;
let t: TestStack;
let clone: string;

/** The walkthrough's shell blocks: the first after the marker, and the one after it. */
function walkthroughBlocks(readme: string): string[][] {
  const from = readme.indexOf('<!-- walkthrough:');
  if (from < 0) throw new Error('README.md has no walkthrough marker');
  const blocks = [...readme.slice(from).matchAll(/```sh\n([\s\S]*?)```/g)].slice(0, 2);
  return blocks.map((b) =>
    (b[1] ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#')),
  );
}

beforeAll(async () => {
  t = await startTestStack();
  clone = mkdtempSync(join(tmpdir(), 'dpia-readme-'));
  for (const entry of readdirSync(root)) {
    if (['.dpia', '.git', 'pack.json'].includes(entry)) continue;
    symlinkSync(join(root, entry), join(clone, entry));
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
  if (clone) rmSync(clone, { recursive: true, force: true });
});

const vars: Record<string, string> = {};

/** One README line in bash, with the variables earlier lines set; returns its output. */
async function run(line: string): Promise<CliRun> {
  const assigned = /^([A-Za-z_]\w*)=/.exec(line)?.[1];
  const script = `set -o pipefail\n${line}\n${assigned ? `printf '\\n__VALUE__%s' "$${assigned}"` : ''}`;
  const child = spawn('bash', ['-c', script], {
    cwd: clone,
    env: { ...process.env, ...vars, ...stackEnvironment(t.stack.config) },
  });
  const result = await collect(child);
  if (!assigned) return result;
  const [out, value = ''] = result.stdout.split('\n__VALUE__');
  vars[assigned] = value;
  return { ...result, stdout: out ?? '' };
}

/** A line as a person runs it: again, until what its comment promises is there (the workflow is asynchronous). */
async function runUntil(line: string, expected: RegExp): Promise<string> {
  return t.client.waitFor(`"${line}" to show ${expected}`, async () => {
    const result = await run(line);
    expect(result.code, result.stderr).toBe(0);
    return expected.test(result.stdout) ? result.stdout : undefined;
  });
}

describe('the README walkthrough', () => {
  it('runs every command as written on a fresh stack, and the review link is reachable at once', async () => {
    const [walk = [], audit = []] = walkthroughBlocks(readFileSync(join(root, 'README.md'), 'utf8'));
    expect(walk.length).toBeGreaterThan(3);
    let reviewLink: string | undefined;
    for (const entry of walk) {
      const line = entry.replace(/\s+#.*$/, '');
      const comment = /#\s*(.*)$/.exec(entry)?.[1] ?? '';
      if (/review link/.test(comment)) {
        const out = await runUntil(line, /Review link: (\S+)/);
        reviewLink = /Review link: (\S+)/.exec(out)?.[1];
        continue;
      }
      const result = await run(line);
      expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      expect(result.stderr, line).toBe('');
      if (line.startsWith('echo $ref')) expect(result.stdout.trim()).toMatch(/^DPIA-\d{4}-0001$/);
    }
    expect(vars.ref).toMatch(/^DPIA-\d{4}-0001$/);

    // The approver's link, as mailed, answers with the review page (the README says: open it).
    expect(reviewLink).toBeDefined();
    const link = new URL(reviewLink as string);
    const page = await t.client.api(null, 'GET', `${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(vars.ref);
    // Decided as the browser would post the form, so the auditor's commands have a decision to show.
    const decided = await t.client.postSignedForm(link, {
      outcome: 'approved',
      rationale: 'The pressing need is clear and the consultation raised no objection.',
      conditions: 'Encrypt the link to the back office (principle 9) before the camera goes live.',
    });
    expect(decided.status, decided.text).toBe(200);
    await t.client.waitFor('the decision to be recorded', async () => {
      const result = await run(`npx dpia status ${vars.ref}`);
      return result.stdout.includes('Status: approved') ? true : undefined;
    });

    expect(audit.length).toBeGreaterThan(1);
    const outputs: string[] = [];
    for (const entry of audit) {
      const line = entry.replace(/\s+#.*$/, '');
      const result = await run(line);
      expect(result.code, `${line}\n${result.stderr}`).toBe(0);
      outputs.push(result.stdout);
    }
    expect(outputs.join('\n')).toContain(vars.ref);
    expect(outputs.join('\n')).toContain('Decision chain intact: 1 record checked.');
    const pack = JSON.parse(readFileSync(join(clone, 'pack.json'), 'utf8')) as {
      evidencePack: { reference: string };
    };
    expect(pack.evidencePack.reference).toBe(vars.ref);
  }, 240_000);
});
