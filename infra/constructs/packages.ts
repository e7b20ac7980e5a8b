// What a Chromium function's bundle leaves out and gets beside it instead (infra/constructs/
// node-function.ts deploys it, bench/functions.ts measures it): the packages and every package
// they depend on, as `npm ci` installed them, found by reading node_modules at synth (no network).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Left out of a Chromium function's bundle and copied beside it, in node_modules/:
 * playwright-core loads its own files at run time, so esbuild cannot bundle it; @sparticuz/chromium
 * (with the tar extraction it depends on) goes the same way, so the bundle holds the function's own
 * code (issue 17). Its brotli-packed browser (bin/) is copied apart, to chromium/bin.
 */
export const CHROMIUM_PACKAGES = ['playwright-core', '@sparticuz/chromium'] as const;

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/**
 * The directories, relative to `root`, of `names` and of everything they depend on (dependencies and
 * the optional ones npm installed), resolved as Node resolves them from each package.
 */
export function packageClosure(root: string, names: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string, from: string, optional: boolean): void => {
    const dir = resolvePackage(root, name, from);
    if (!dir) {
      if (optional) return;
      throw new Error(
        `${name} (needed from ${relative(root, from) || 'the project'}) is not installed: run npm ci`,
      );
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, root, false);
  return [...found].map((dir) => relative(root, dir)).sort();
}

/** node_modules/<name> in `from` or the nearest directory above it, no higher than `root`. */
function resolvePackage(root: string, name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}
