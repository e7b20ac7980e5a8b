// The house's layer rules (issue 18), read from the imports themselves: the domain and the shared
// plumbing under functions/shared/ import nothing from a use-case area beside it (functions/scoring,
// functions/replies, ...), and nothing under functions/ imports the local stack, the CDK app, the
// CLI, the benchmarks or the tests. A broken rule fails here, naming the file and the import. And
// no module imports itself through others, and no file of ours grows past 500 lines without saying
// why at its top.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The project's own files (not fixtures, generated output or dependencies), by git. */
function ownFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter((f) => /\.(ts|mts|mjs|js|html|css)$/.test(f))
    .filter((f) => !/(^|\/)(fixtures|node_modules|cdk\.out|screenshots)\//.test(f))
    .filter((f) => existsSync(join(ROOT, f)));
}

/** Where a long file says why it is long: a comment line starting "Over 500 lines:" near its top. */
const REASON = /^\s*(\/\/|\*|<!--)\s*Over 500 lines:/m;

describe('file size', () => {
  it('no file of our own is over 500 lines without a reason written at its top', () => {
    const long = ownFiles().flatMap((file) => {
      const text = readFileSync(join(ROOT, file), 'utf8');
      const lines = text.split('\n').length;
      const top = text.split('\n').slice(0, 15).join('\n');
      return lines > 500 && !REASON.test(top) ? [`${file} (${lines} lines)`] : [];
    });
    expect(long).toEqual([]);
  });

  it('reads the files it checks', () => {
    expect(ownFiles()).toContain('functions/registry.ts');
  });
});

/** Every module a file imports at run time (type-only imports left out), resolved to its file. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(?!type\b)[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g),
  ].map((m) => m[1] as string);
  return specifiers
    .filter((s) => s.startsWith('.'))
    .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'))
    .filter((target) => existsSync(target));
}

describe('import circles', () => {
  it('no module of functions/, local/, cli/, infra/ or bench/ imports itself through others', () => {
    const files = ['functions', 'local', 'cli', 'infra', 'bench'].flatMap((dir) => sources(join(ROOT, dir)));
    const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') {
          circles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(ROOT, f)).join(' -> '));
        } else if (!state.has(next)) visit(next, [...path, next]);
      }
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file, [file]);
    expect(circles).toEqual([]);
  });
});
