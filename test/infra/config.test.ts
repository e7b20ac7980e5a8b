// The context parameters: cdk.json's example deployment is valid, and a missing or malformed
// parameter stops the app with one line that names it (through the real entry point too).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DeploymentConfigError, readDeploymentConfig } from '../../infra/config.js';
import { repoPath } from '../../infra/paths.js';
import { cdkJsonContext } from './synth.js';

const without = (key: string, context = cdkJsonContext()) =>
  Object.fromEntries(Object.entries(context).filter(([k]) => k !== key));
const reader = (context: Record<string, unknown>) => (key: string) => context[key];

describe('deployment context parameters', () => {
  it('accepts the example deployment in cdk.json, defaulting what is optional', () => {
    const config = readDeploymentConfig(reader(cdkJsonContext()));
    expect(config).toMatchObject({
      region: 'eu-west-2',
      sendingDomain: 'example.police.uk',
      senderAddress: 'dpia@example.police.uk',
      inboundDomain: 'dpia-replies.example.police.uk',
      approvalTimeoutDays: 14,
    });
    expect(config.publicBaseUrl).toBeUndefined();
  });

  it('takes numbers given as strings, as `-c dpia:logRetentionDays=731` passes them', () => {
    const config = readDeploymentConfig(reader({ ...cdkJsonContext(), 'dpia:logRetentionDays': '731' }));
    expect(config.logRetentionDays).toBe(731);
  });

  it.each([
    ['dpia:alarmEmail', /missing dpia:alarmEmail \(who is mailed when an alarm fires\)/],
    ['dpia:inboundDomain', /missing dpia:inboundDomain \(the domain consultees reply to/],
  ])('names a missing %s', (key, message) => {
    expect(() => readDeploymentConfig(reader(without(key)))).toThrow(message);
  });

  it.each([
    ['dpia:logRetentionDays', 100, /dpia:logRetentionDays=100 must be one of 1, 3, 5/],
    [
      'dpia:senderAddress',
      'dpia@elsewhere.example',
      /dpia:senderAddress=.* must be an address at example.police.uk/,
    ],
    ['dpia:inboundDomain', 'not a domain', /dpia:inboundDomain=.* must be a DNS domain name/],
    ['dpia:publicBaseUrl', 'http://dpia.example.police.uk', /must be an https:\/\/ URL/],
  ])('refuses %s=%j', (key, value, message) => {
    expect(() => readDeploymentConfig(reader({ ...cdkJsonContext(), [key]: value }))).toThrow(message);
  });

  it('reports every problem on one line', () => {
    try {
      readDeploymentConfig(reader({}));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DeploymentConfigError);
      expect((error as Error).message).not.toContain('\n');
      expect((error as Error).message).toMatch(/missing dpia:sendingDomain.*missing dpia:alarmEmail/);
    }
  });

  it('makes the CDK app exit 1 with that one line and no stack trace', () => {
    const run = spawnSync(repoPath('node_modules/.bin/tsx'), [repoPath('infra/app.ts')], {
      cwd: repoPath(),
      encoding: 'utf8',
      // What the CDK CLI hands the app: cdk.json's context, here without the alarm address.
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(without('dpia:alarmEmail')) },
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^Context parameter problem: missing dpia:alarmEmail/),
    ]);
  });
});
