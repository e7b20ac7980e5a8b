// local/stepfunctions/README.md says which API actions and which ASL features the local Step
// Functions emulates. Checked here against the code (the actions the server routes) and against
// the workflows we deploy (every state type, field and resource they use must be listed), so the
// README cannot drift from either.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LambdaRuntime } from '../../local/lambda.js';
import { StepFunctionsEngine } from '../../local/stepfunctions/engine.js';
import { stepFunctionsOperations } from '../../local/stepfunctions/server.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const README = readFileSync(join(ROOT, 'local', 'stepfunctions', 'README.md'), 'utf8');

/** The backticked names in the README paragraph that starts with `label`. */
function listed(label: string): Set<string> {
  const paragraph = README.split('\n\n').find((p) => p.trimStart().startsWith(label));
  if (!paragraph) throw new Error(`README has no paragraph starting "${label}"`);
  return new Set([...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

interface Usage {
  types: Set<string>;
  fields: Set<string>;
  resources: Set<string>;
  topLevel: Set<string>;
}

function usage(definition: Record<string, unknown>, into: Usage): void {
  for (const key of Object.keys(definition)) if (key !== 'States') into.topLevel.add(key);
  for (const state of Object.values(definition.States as Record<string, Record<string, unknown>>)) {
    into.types.add(String(state.Type));
    for (const field of Object.keys(state)) into.fields.add(field);
    if (typeof state.Resource === 'string') into.resources.add(state.Resource);
    const nested = [
      ...((state.Branches as Record<string, unknown>[] | undefined) ?? []),
      ...[state.ItemProcessor, state.Iterator].filter(Boolean),
    ] as Record<string, unknown>[];
    // Nested machines' own top-level fields (StartAt, States) are not the workflow's.
    for (const machine of nested) usage(machine, { ...into, topLevel: new Set() });
  }
}

const workflows = readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.asl.json'));

describe('local/stepfunctions/README.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dpia-sfn-readme-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists exactly the API actions the local server answers', () => {
    const lambda = { invoke: async () => ({}) } as unknown as LambdaRuntime;
    const engine = new StepFunctionsEngine({
      dataDir: dir,
      region: 'eu-west-2',
      account: '000000000000',
      lambda,
    });
    const routed = Object.keys(stepFunctionsOperations(engine)).sort();
    expect([...listed('Emulated')].sort()).toEqual(routed);
  });

  it.each(workflows)('covers every state type, field and resource that %s uses', (file) => {
    const found: Usage = { types: new Set(), fields: new Set(), resources: new Set(), topLevel: new Set() };
    usage(JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')), found);
    expect(found.types.size).toBeGreaterThan(0);
    const types = listed('State types:');
    const fields = listed('State fields:');
    const topLevel = listed('Top-level fields:');
    const resources = listed('Task resources:');
    expect([...found.types].filter((t) => !types.has(t))).toEqual([]);
    expect([...found.fields].filter((f) => !fields.has(f))).toEqual([]);
    expect([...found.topLevel].filter((f) => !topLevel.has(f))).toEqual([]);
    // `${...FunctionArn}` placeholders become Lambda function ARNs when the CDK deploys them.
    const kind = (r: string) => (/^\$\{\w+FunctionArn\}$/.test(r) ? 'arn:aws:lambda:...' : r);
    expect([...found.resources].map(kind).filter((r) => !resources.has(r))).toEqual([]);
  });
});
