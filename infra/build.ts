// Builds the CDK app: both stacks from the context parameters, with cdk-nag's AWS Solutions
// checks as a validation plugin. infra/app.ts runs it for the CLI; the tests build it in-process.
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readDeploymentConfig } from './config.js';
import { StatefulStack } from './stateful-stack.js';
import { StatelessStack, type StatelessStackProps } from './stateless-stack.js';

export interface CameraDpiaApp {
  app: App;
  stateful: StatefulStack;
  stateless: StatelessStack;
  nag: AwsSolutionsChecks;
}

export interface BuildOptions extends AppProps {
  stateless?: Pick<StatelessStackProps, 'definitionFile'>;
}

export function buildApp(options: BuildOptions = {}): CameraDpiaApp {
  const { stateless: statelessOptions, ...appProps } = options;
  const app = new App(appProps);
  const config = readDeploymentConfig((key) => app.node.tryGetContext(key));
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = config.region ?? process.env.CDK_DEFAULT_REGION;
  const env = { ...(account ? { account } : {}), ...(region ? { region } : {}) };
  const stateful = new StatefulStack(app, 'CameraDpiaStateful', {
    env,
    config,
    description: 'camera-dpia: table, key, buckets, users and the review-link key (retained on delete)',
    terminationProtection: true,
  });
  const stateless = new StatelessStack(app, 'CameraDpiaStateless', {
    env,
    config,
    stateful,
    description: 'camera-dpia: functions, lifecycle state machine, HTTP API, SES and alarms',
    ...statelessOptions,
  });
  stateless.addStackDependency(stateful);
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, stateful, stateless, nag };
}
