// The function list, the route table and the state machine must agree: a route or a state that
// names a function nobody deploys fails here, not in production.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { functionRegistry } from '../../functions/registry.js';
import { routeTable } from '../../functions/routes.js';

const root = new URL('../../', import.meta.url);
const names = new Set(functionRegistry.map((f) => f.name));
const pascal = (name: string) =>
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

describe('functions/registry.ts', () => {
  it('names each function once, and every entry module exists and exports a handler', async () => {
    expect(names.size).toBe(functionRegistry.length);
    for (const spec of functionRegistry) {
      expect(existsSync(new URL(spec.entry, root)), spec.entry).toBe(true);
      const module = (await import(new URL(spec.entry, root).href)) as { handler?: unknown };
      expect(typeof module.handler, spec.entry).toBe('function');
    }
  }, 60_000);

  it('serves every route of the route table, each route once', () => {
    for (const route of routeTable) expect(names.has(route.function), route.function).toBe(true);
    const keys = routeTable.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('fills every FunctionArn placeholder of the state machine', () => {
    const asl = readFileSync(new URL('workflows/dpia-lifecycle.asl.json', root), 'utf8');
    const placeholders = [...asl.matchAll(/\$\{([A-Za-z]+)FunctionArn\}/g)].map((m) => m[1]);
    const available = new Set([...names].map(pascal));
    for (const p of placeholders) expect(available.has(p as string), p).toBe(true);
  });
});
