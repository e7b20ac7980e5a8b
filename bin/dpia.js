#!/usr/bin/env node
// The `dpia` command: loads the TypeScript CLI through tsx, so there is no build step to forget.
// npm scripts and npx put the project's own Node.js 22 (the `node` devDependency) first on PATH.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `dpia needs Node.js 22 or later, and this is ${process.version}: run it as \`npx dpia\` or through an npm script, which use the project's own Node.js 22 (installed by \`npm ci\`).`,
  );
  process.exit(2);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
