// `npm run synth` through the real CDK CLI, offline: the pinned CLI reads the cloud assembly this
// aws-cdk-lib writes, cdk.json's app command and context work, and cdk-nag passes. Only the
// stateful stack is selected (--exclusively), so esbuild runs once per function elsewhere, not here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../../infra/paths.js';

describe('npm run synth', () => {
  it('synthesizes with the pinned CDK CLI and prints the selected stack', () => {
    const output = mkdtempSync(join(tmpdir(), 'camera-dpia-cli-'));
    const run = spawnSync(
      'npm',
      ['run', '--silent', 'synth', '--', '--exclusively', 'CameraDpiaStateful', '--output', output],
      { cwd: repoPath(), encoding: 'utf8' },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Type: AWS::DynamoDB::GlobalTable');
    expect(run.stdout).toContain('PointInTimeRecoveryEnabled: true');
  }, 60_000);
});
