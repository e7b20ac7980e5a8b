// The CDK app the CLI runs (cdk.json: `npx tsx infra/app.ts`). A bad context parameter is one
// line on stderr, not a stack trace.

import { buildApp } from './build.js';
import { DeploymentConfigError } from './config.js';

try {
  buildApp().app.synth();
} catch (error) {
  if (!(error instanceof DeploymentConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
