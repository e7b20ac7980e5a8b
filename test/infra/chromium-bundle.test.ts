// The Chromium function as infra/constructs/node-function.ts deploys it: a bundle that leaves out
// playwright-core and @sparticuz/chromium (issue 17) must get them, and every package they need,
// beside it, or it fails only at cold start on AWS. One function in a stack of its own, so only its
// bundle is built; its asset is then imported where only the AWS SDK resolves from outside it, as
// the Lambda runtime provides it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, describe, expect, it } from 'vitest';
import { functionRegistry } from '../../functions/registry.js';
import { NodeFunction } from '../../infra/constructs/node-function.js';
import { CHROMIUM_PACKAGES } from '../../infra/constructs/packages.js';
import { repoPath } from '../../infra/paths.js';

const outdir = mkdtempSync(join(tmpdir(), 'camera-dpia-chromium-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Bundles the one Chromium function into a cloud assembly and returns its code asset's directory. */
function chromiumAsset(): string {
  const spec = functionRegistry.find((f) => f.chromium);
  if (!spec) throw new Error('functions/registry.ts names no Chromium function');
  const app = new App({ outdir });
  const stack = new Stack(app, 'ChromiumBundle', { env: { account: '123456789012', region: 'eu-west-2' } });
  new NodeFunction(stack, 'Pdf', { spec, logRetention: logs.RetentionDays.ONE_WEEK, includeTemplates: true });
  const template = JSON.parse(
    readFileSync(join(app.synth().directory, 'ChromiumBundle.template.json'), 'utf8'),
  ) as { Resources: Record<string, { Type: string; Properties: { Code?: { S3Key: string } } }> };
  const fn = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function');
  return join(outdir, `asset.${String(fn?.Properties.Code?.S3Key).replace(/\.zip$/, '')}`);
}

describe('the Chromium function as deployed', () => {
  const asset = chromiumAsset();

  it('leaves playwright-core and @sparticuz/chromium out of its bundle and copies them beside it, the browser once', () => {
    const bundle = readFileSync(join(asset, 'index.mjs'), 'utf8');
    for (const name of CHROMIUM_PACKAGES) {
      expect(bundle, name).toMatch(new RegExp(`from\\s*"${name.replace('/', '\\/')}"`));
      expect(existsSync(join(asset, 'node_modules', name, 'package.json')), name).toBe(true);
    }
    // @sparticuz/chromium's tar extraction, no longer bundled, is beside it too.
    expect(existsSync(join(asset, 'node_modules', 'tar-fs', 'package.json'))).toBe(true);
    expect(existsSync(join(asset, 'chromium', 'bin'))).toBe(true);
    expect(existsSync(join(asset, 'node_modules', '@sparticuz', 'chromium', 'bin'))).toBe(false);
  });

  it('imports where only the AWS SDK resolves from outside the asset, as on Lambda', () => {
    // The assembly's own node_modules holds the SDK alone (the runtime's), linked from the project's.
    for (const scope of ['@aws-sdk', '@smithy']) {
      mkdirSync(join(outdir, 'node_modules'), { recursive: true });
      symlinkSync(repoPath('node_modules', scope), join(outdir, 'node_modules', scope));
    }
    const loader = [
      'const m = await import(process.argv[1]);',
      "if (typeof m.handler !== 'function') throw new Error('no handler export');",
      "const chromium = await import(process.argv[2] + '/node_modules/@sparticuz/chromium/build/index.js');",
      "if (!Array.isArray(chromium.default.args)) throw new Error('@sparticuz/chromium did not load');",
    ].join(' ');
    const run = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', loader, join(asset, 'index.mjs'), asset],
      {
        cwd: outdir,
        env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-2' },
        encoding: 'utf8',
      },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
