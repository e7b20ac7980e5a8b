// The house's layer rules (issue 18), read from the imports themselves: the domain and the shared
// plumbing under functions/shared/ import nothing from a use-case area beside it (functions/scoring,
// functions/replies, ...), and nothing under functions/ imports the local stack, the CDK app, the
// CLI, the benchmarks or the tests. A broken rule fails here, naming the file and the import.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FUNCTIONS = join(ROOT, 'functions');
const SHARED = join(FUNCTIONS, 'shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports or re-exports by a relative path, resolved against the repo root. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1] as string);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s));
}

const inside = (path: string, dir: string) => !relative(dir, path).startsWith('..');

function violations(files: string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((file) =>
    relativeImports(file)
      .filter((target) => !allowed(target))
      .map((target) => `${relative(ROOT, file)} imports ${relative(ROOT, target)}`),
  );
}

describe('layers', () => {
  it('functions/shared imports nothing from a use-case area of functions/', () => {
    expect(
      violations(sources(SHARED), (target) => inside(target, SHARED) || !inside(target, FUNCTIONS)),
    ).toEqual([]);
  });

  it('functions/ imports nothing from local/, infra/, cli/, bench/ or test/', () => {
    // The state-machine file (workflows/) and the templates are the product's own; the rest are not.
    const outside = ['local', 'infra', 'cli', 'bench', 'test'].map((dir) => join(ROOT, dir));
    expect(violations(sources(FUNCTIONS), (target) => !outside.some((dir) => inside(target, dir)))).toEqual(
      [],
    );
  });

  it('reads the imports it checks (a rule that reads nothing cannot fail)', () => {
    const imports = relativeImports(join(FUNCTIONS, 'scoring', 'score.ts'));
    expect(imports.some((target) => inside(target, SHARED))).toBe(true);
  });
});
