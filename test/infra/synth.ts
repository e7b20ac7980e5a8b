// Synthesizes the CDK app in-process with the context `npm run synth` uses (cdk.json), into a
// temporary directory, so the assertion tests look at exactly what a deployment would get.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { type BuildOptions, buildApp, type CameraDpiaApp } from '../../infra/build.js';
import { repoPath } from '../../infra/paths.js';

export const cdkJsonContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(repoPath('cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface Synthesized extends CameraDpiaApp {
  assembly: CloudAssembly;
}

/**
 * `bundle: false` skips esbuild (the CDK's bundling-stacks context) for tests that only look at
 * the templates; the main test bundles every function once, as `cdk synth` does.
 */
export function synthesize(
  options: { bundle?: boolean; context?: Record<string, unknown> } & Pick<BuildOptions, 'stateless'> = {},
): Synthesized {
  const built = buildApp({
    outdir: mkdtempSync(join(tmpdir(), 'camera-dpia-cdk-')),
    context: {
      ...cdkJsonContext(),
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
    ...(options.stateless ? { stateless: options.stateless } : {}),
  });
  return { ...built, assembly: built.app.synth() };
}
