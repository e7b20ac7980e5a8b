// local/stepfunctions/README.md says which API actions and which ASL features the local Step
// Functions emulates. Checked here against the code (the actions the server routes, the resources
// tasks.ts runs, the state types and intrinsic functions of the library's own tables) and against
// the workflows we deploy (every state type, field, Retry and Catch field, resource, intrinsic
// function and context path they use must be listed), so the README cannot drift from either.
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
  retry: Set<string>;
  catch: Set<string>;
  intrinsics: Set<string>;
  context: Set<string>;
}

const emptyUsage = (): Usage => ({
  types: new Set(),
  fields: new Set(),
  resources: new Set(),
  topLevel: new Set(),
  retry: new Set(),
  catch: new Set(),
  intrinsics: new Set(),
  context: new Set(),
});

/** Every string anywhere in a value (Parameters, ResultSelector, Choices, ...). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function usage(definition: Record<string, unknown>, into: Usage): void {
  for (const key of Object.keys(definition)) if (key !== 'States') into.topLevel.add(key);
  for (const state of Object.values(definition.States as Record<string, Record<string, unknown>>)) {
    into.types.add(String(state.Type));
    for (const field of Object.keys(state)) into.fields.add(field);
    if (typeof state.Resource === 'string') into.resources.add(state.Resource);
    for (const retrier of (state.Retry as object[] | undefined) ?? []) {
      for (const field of Object.keys(retrier)) into.retry.add(field);
    }
    for (const catcher of (state.Catch as object[] | undefined) ?? []) {
      for (const field of Object.keys(catcher)) into.catch.add(field);
    }
    const { Branches: _b, ItemProcessor: _p, Iterator: _i, ...own } = state;
    for (const text of strings(own)) {
      for (const m of text.matchAll(/\b(States\.\w+)\(/g)) into.intrinsics.add(m[1] as string);
      for (const m of text.matchAll(/\$\$(?:\.\w+)+/g)) into.context.add(m[0]);
    }
    const nested = [
      ...((state.Branches as Record<string, unknown>[] | undefined) ?? []),
      ...[state.ItemProcessor, state.Iterator].filter(Boolean),
    ] as Record<string, unknown>[];
    // Nested machines' own top-level fields (StartAt, States) are not the workflow's.
    for (const machine of nested) usage(machine, { ...into, topLevel: new Set() });
  }
}

const workflows = readdirSync(join(ROOT, 'workflows')).filter((f) => f.endsWith('.asl.json'));

/** The library's own source, where its tables of state handlers and intrinsic functions are. */
const LIBRARY = readFileSync(
  join(ROOT, 'node_modules', 'aws-local-stepfunctions', 'build', 'main.node.esm.js'),
  'utf8',
);

/** The keys of the object literal that follows `opening` in the library's source. */
function libraryTable(opening: RegExp, key: RegExp): string[] {
  const start = LIBRARY.search(opening);
  if (start < 0) throw new Error(`aws-local-stepfunctions no longer has ${opening}`);
  const table = LIBRARY.slice(start, LIBRARY.indexOf('}', start));
  return [...table.matchAll(key)].map((m) => m[1] as string);
}

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

  it('lists exactly the state types and intrinsic functions the library runs', () => {
    const types = libraryTable(/this\.stateHandlers = \{/, /(\w+): this\.execute\w+State/g);
    expect(types.length).toBeGreaterThan(0);
    expect([...listed('State types:')].sort()).toEqual(types.sort());
    const intrinsics = libraryTable(/\nvar functions = \{/, /"(States\.\w+)": new /g);
    expect(intrinsics.length).toBeGreaterThan(0);
    expect([...listed('Intrinsic functions:')].sort()).toEqual(intrinsics.sort());
  });

  it('lists exactly the task resources tasks.ts runs', () => {
    const code = readFileSync(join(ROOT, 'local', 'stepfunctions', 'tasks.ts'), 'utf8');
    const resources = [
      ...[...code.matchAll(/resource\.startsWith\('([^']+)'\)/g)].map((m) => `${m[1]}...`),
      ...[...code.matchAll(/resource === '([^']+)'/g)].map((m) => m[1] as string),
    ];
    expect(resources.length).toBeGreaterThan(0);
    expect([...listed('Task resources:')].sort()).toEqual(resources.sort());
  });

  it.each(workflows)('covers everything that %s uses', (file) => {
    const found = emptyUsage();
    usage(JSON.parse(readFileSync(join(ROOT, 'workflows', file), 'utf8')), found);
    expect(found.types.size).toBeGreaterThan(0);
    const types = listed('State types:');
    const fields = listed('State fields:');
    const topLevel = listed('Top-level fields:');
    const resources = listed('Task resources:');
    expect([...found.types].filter((t) => !types.has(t))).toEqual([]);
    expect([...found.fields].filter((f) => !fields.has(f))).toEqual([]);
    expect([...found.topLevel].filter((f) => !topLevel.has(f))).toEqual([]);
    expect([...found.retry].filter((f) => !listed('Retry fields:').has(f))).toEqual([]);
    expect([...found.catch].filter((f) => !listed('Catch fields:').has(f))).toEqual([]);
    expect([...found.intrinsics].filter((f) => !listed('Intrinsic functions:').has(f))).toEqual([]);
    expect([...found.context].filter((f) => !listed('Context object:').has(f))).toEqual([]);
    // `${...FunctionArn}` placeholders become Lambda function ARNs when the CDK deploys them.
    const kind = (r: string) => (/^\$\{\w+FunctionArn\}$/.test(r) ? 'arn:aws:lambda:...' : r);
    expect([...found.resources].map(kind).filter((r) => !resources.has(r))).toEqual([]);
  });
});
