// package.json declares the functions' modules free of side effects (issue 17), so esbuild leaves a
// module out of a bundle when the function uses nothing it exports: zod schemas a function never
// parses no longer ride along. A module that must run for its effect alone is listed there; these
// tests fail when one is not, and check that a bundle built as deployed still runs that effect
// (zod's English messages, functions/shared/model/zod-messages.ts).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.js';
import { httpEvent, lambdaContext } from '../support/events.js';

const declared: string[] = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')).sideEffects;

/** Every TypeScript module under functions/. */
const functionSources = (): string[] =>
  readdirSync(repoPath('functions'), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('side effects of the functions modules', () => {
  it('lists in package.json every module that is imported only for what it does on import', () => {
    const bare: string[] = [];
    for (const file of functionSources()) {
      for (const [, spec = ''] of readFileSync(file, 'utf8').matchAll(/^import '(\.[^']+)';/gm)) {
        const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts');
        bare.push(`./${relative(repoPath(), target)}`);
      }
    }
    expect(bare.length).toBeGreaterThan(0);
    for (const module of new Set(bare))
      expect(declared, `${module} is imported for its effect`).toContain(module);
  });

  it('a handler bundled as deployed still answers a bad body with zod in plain English', async () => {
    // Under node_modules, so the bundle's @aws-sdk imports resolve as the Lambda runtime provides them.
    const cache = repoPath('node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'dpia-bundle-test-'));
    tempDirs.push(dir);
    const outfile = join(dir, 'index.mjs');
    await esbuild.build({
      entryPoints: [repoPath('functions/proposals/create.handler.ts')],
      absWorkingDir: repoPath(),
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      charset: 'utf8',
      external: ['@aws-sdk/*', '@smithy/*'],
      logLevel: 'silent',
    });
    const { handler } = await import(pathToFileURL(outfile).href);
    const answer = await handler(
      httpEvent({ method: 'POST', path: '/proposals', body: JSON.stringify({ priority: 'high' }) }),
      lambdaContext,
    );
    expect(answer.statusCode).toBe(400);
    const body = JSON.parse(answer.body);
    expect(body.issues).toContainEqual({ path: '(root)', message: 'Unknown field: priority' });
    expect(body.issues).toContainEqual({ path: 'title', message: 'Required' });
  });
});
