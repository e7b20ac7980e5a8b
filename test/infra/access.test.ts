// Least privilege, checked against the code: each handler is bundled (tree-shaken, as deployed)
// and the AWS SDK commands it can send, the settings it reads and whether it renders templates
// are compared with infra/access.ts (stacks.test.ts checks the template against access.ts). A new SDK call without its
// grant, or a grant the code no longer uses, fails here with the function's name.
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedFunctionName, functionRegistry } from '../../functions/registry.js';
import { ENV } from '../../functions/shared/config.js';
import { accessOf, type FunctionAccess } from '../../infra/access.js';
import { repoPath } from '../../infra/paths.js';
import { settingsFor } from '../../infra/stateless-stack.js';
import { grantedCalls } from '../support/granted-calls.js';

interface CodeNeeds {
  /** IAM actions for the SDK commands the bundle constructs. */
  actions: string[];
  /** Environment variables it reads. */
  env: string[];
  rendersTemplates: boolean;
}

/** Settings that are not the deployment's business: local-stack only, or a default override. */
const NOT_SET_ON_AWS = new Set<string>([
  ENV.localSignIn,
  ENV.mailViewerUrl,
  'DPIA_TEMPLATES_DIR',
  // Another Chromium for local runs; the deployment uses the packaged one (DPIA_CHROMIUM_BIN).
  'DPIA_CHROMIUM',
  'DPIA_LOG_LEVEL',
  // Overrides of the consultation fan-out's claim lease and slice (tests; the defaults suit AWS).
  'DPIA_SEND_CLAIM_SECONDS',
  'DPIA_SEND_SLICE_MAX',
]);

/** IAM service prefix of each SDK client package. */
const SERVICE_OF_PACKAGE: Record<string, string> = {
  'lib-dynamodb': 'dynamodb',
  'client-dynamodb': 'dynamodb',
  'client-sfn': 'states',
  'client-ses': 'ses',
  'client-sesv2': 'ses',
  'client-s3': 's3',
  'client-secrets-manager': 'secretsmanager',
};
/** The document client's commands are named after the item, the API's after the operation. */
const DOCUMENT_CLIENT_ACTION: Record<string, string> = {
  Get: 'GetItem',
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactGet: 'TransactGetItems',
  // IAM has no TransactWriteItems action: each item is authorised as its own PutItem, UpdateItem,
  // DeleteItem or ConditionCheckItem. The code's transactions (the fan-out's claims and marks,
  // functions/consultation/claims.ts) hold updates only.
  TransactWrite: 'UpdateItem',
};

async function codeNeeds(entry: string): Promise<CodeNeeds> {
  const result = await esbuild.build({
    entryPoints: [repoPath(entry)],
    absWorkingDir: repoPath(),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // As deployed: playwright-core is copied beside the bundle (infra/constructs/node-function.ts).
    external: ['@aws-sdk/*', '@smithy/*', 'playwright-core'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  // Local name → [package, exported name] of every SDK import (esbuild renames clashes: GetCommand2).
  const imported = new Map<string, [string, string]>();
  for (const [, names = '', pkg = ''] of code.matchAll(
    /import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/([^"]+)"/g,
  )) {
    for (const spec of names.split(',')) {
      const [name, alias] = spec.trim().split(/\s+as\s+/);
      if (name) imported.set(alias ?? name, [pkg, name]);
    }
  }
  const actions = new Set<string>();
  // Tree-shaking has dropped the functions nothing calls: what is left is constructed for real.
  for (const [, local = ''] of code.matchAll(/new (\w+)\(/g)) {
    const [pkg, name] = imported.get(local) ?? [];
    if (!pkg || !name?.endsWith('Command')) continue;
    const service = SERVICE_OF_PACKAGE[pkg];
    if (!service) throw new Error(`${entry}: no IAM service known for @aws-sdk/${pkg} (add it above)`);
    const operation = name.slice(0, -'Command'.length);
    actions.add(
      `${service}:${pkg === 'lib-dynamodb' ? (DOCUMENT_CLIENT_ACTION[operation] ?? operation) : operation}`,
    );
  }
  const env = new Set<string>();
  for (const [, key = ''] of code.matchAll(/\bENV\.(\w+)/g)) env.add(ENV[key as keyof typeof ENV]);
  for (const [, name = ''] of code.matchAll(/process\.env\.(DPIA_\w+)/g)) env.add(name);
  // A name read through a constant of its own (shared/config.ts TABLE_NAME_ENV, a module's
  // *_ENV): `process.env[NAME]` or `requiredEnv(NAME)`, NAME declared as a DPIA_ name.
  for (const [, constant = ''] of code.matchAll(/(?:process\.env\[|\brequiredEnv\d*\()(\w+)[\])]/g)) {
    const value = new RegExp(`\\b${constant}\\s*=\\s*"(DPIA_\\w+)"`).exec(code)?.[1];
    if (value) env.add(value);
  }
  return {
    actions: [...actions].sort(),
    env: [...env].filter((name) => !NOT_SET_ON_AWS.has(name)).sort(),
    rendersTemplates: Object.keys(result.metafile.inputs).includes('functions/shared/templates.ts'),
  };
}

const grantedActions = (access: FunctionAccess): string[] => [...new Set(grantedCalls(access))].sort();

const needs = new Map<string, CodeNeeds>();

beforeAll(async () => {
  await Promise.all(functionRegistry.map(async (spec) => needs.set(spec.name, await codeNeeds(spec.entry))));
}, 60_000);

/** The variables the stateless stack sets from a function's access (stacks.test.ts checks the template). */
const settingNames = (name: string): string[] => {
  const anyValue = Object.fromEntries(Object.keys(ENV).map((key) => [key, 'x']));
  return Object.keys(settingsFor(name, accessOf(name), anyValue)).sort();
};

describe('infra/access.ts against the code', () => {
  it.each(functionRegistry.map((spec) => [spec.name, spec.entry]))(
    '%s: grants exactly the AWS calls %s makes',
    (name) => {
      expect(
        grantedActions(accessOf(name)),
        `granted by infra/access.ts (received) vs called by the code of ${name} (expected)`,
      ).toEqual(needs.get(name)?.actions);
    },
  );

  it.each(functionRegistry.map((spec) => [spec.name]))(
    '%s: is given exactly the settings it reads',
    (name) => {
      expect(settingNames(name), `settings given to ${deployedFunctionName(name)}`).toEqual(
        needs.get(name)?.env,
      );
    },
  );

  it.each(functionRegistry.map((spec) => [spec.name]))(
    '%s: gets templates/ exactly when it renders them',
    (name) => {
      expect(accessOf(name).templates === true).toBe(needs.get(name)?.rendersTemplates);
    },
  );
});
