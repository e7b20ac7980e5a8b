// The embedded local stack (SPEC §8): DynamoDB, S3, SES, Step Functions, inbound SMTP and the
// HTTP API in one process, all on 127.0.0.1, with data under one directory. The handlers and the
// state-machine file are the ones deployed to AWS; only the endpoints differ.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type FunctionSpec, functionRegistry } from '../functions/registry.js';
import { type RouteSpec, routeTable } from '../functions/routes.js';
import { DEFAULTS, ENV } from '../functions/shared/config.js';
import {
  EXECUTION_STATUS_CHANGE,
  type ExecutionStatusChange,
  FAILURE_STATUSES,
} from '../functions/shared/execution-events.js';
import {
  type LocalConfig,
  resolveLocalConfig,
  type ServiceName,
  sdkEnvironment,
  serviceUrl,
} from './config.js';
import { ensureTable, startDynamoDb } from './dynamodb.js';
import { faults, faultsFromEnv, startFaultProxy } from './faults.js';
import { startHttpApi } from './http-api/server.js';
import { createLambdaRuntime, type LambdaHandler, type LambdaRuntime } from './lambda.js';
import { localS3Client, startS3 } from './s3.js';
import { createLocalSecrets, REVIEW_KEY_SECRET_ID } from './secrets.js';
import type { RunningService } from './service.js';
import { startSes } from './ses.js';
import { startSmtp } from './smtp.js';
import { StepFunctionsEngine } from './stepfunctions/engine.js';
import { startStepFunctions } from './stepfunctions/server.js';
import type { ExecutionRecord } from './stepfunctions/store.js';
import { substituteDefinition } from './stepfunctions/substitutions.js';

const ROOT = resolve(import.meta.dirname, '..');
export const LIFECYCLE_DEFINITION = join(ROOT, 'workflows', 'dpia-lifecycle.asl.json');
/** One execution per reminder, beside the lifecycle (README, Reminders); deployed as the CDK does. */
export const REMINDER_DEFINITION = join(ROOT, 'workflows', 'dpia-reminder.asl.json');
/** The function that SES's receipt rule (and our SMTP server) hands received mail to. */
export const INBOUND_MAIL_FUNCTION = 'inbound-mail';

export interface LocalStack {
  config: LocalConfig;
  urls: Record<ServiceName, string>;
  lambda: LambdaRuntime;
  stateMachineArn: string | null;
  reminderStateMachineArn: string | null;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  config?: LocalConfig;
  /** Extra handlers by function name (tests). */
  handlers?: Record<string, LambdaHandler>;
  registry?: FunctionSpec[];
  routes?: RouteSpec[];
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const config = options.config ?? resolveLocalConfig();
  mkdirSync(config.dataDir, { recursive: true });
  const started: RunningService[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.close().catch(() => {});
  };
  try {
    const bound = (service: ServiceName, running: RunningService) => {
      started.push(running);
      config.ports[service] = Number(new URL(running.url).port);
    };
    const host = config.host;

    bound('dynamodb', await startDynamoDb({ host, port: config.ports.dynamodb, dataDir: config.dataDir }));
    bound(
      's3',
      await startS3({
        host,
        port: config.ports.s3,
        dataDir: config.dataDir,
        buckets: [DEFAULTS.rawMailBucket, DEFAULTS.evidenceBucket],
      }),
    );
    bound(
      'ses',
      await startSes({
        host,
        port: config.ports.ses,
        dataDir: config.dataDir,
        maxSendRate: config.sesMaxSendRate,
      }),
    );

    // From here on every AWS SDK client in this process (handlers included) reaches the local stack.
    Object.assign(process.env, sdkEnvironment(config), handlerEnvironment(config));
    await ensureTable(new DynamoDBClient({}), DEFAULTS.tableName);

    const lambda = createLambdaRuntime({
      region: config.region,
      account: config.account,
      registry: [
        ...(options.registry ?? functionRegistry),
        ...extraFunctions(process.env.DPIA_EXTRA_FUNCTIONS),
      ],
      ...(options.handlers ? { handlers: options.handlers } : {}),
    });

    const engine = new StepFunctionsEngine({
      dataDir: config.dataDir,
      region: config.region,
      account: config.account,
      lambda,
      // As the CDK's EventBridge rule: a failed or timed-out lifecycle marks its proposal failed.
      onStatusChange: (execution) => {
        const event = statusChangeEvent(execution, config);
        if (event) deliverEvent(lambda, MARK_FAILED_FUNCTION, event);
      },
      ...(process.env.DPIA_SFN_RETRY_SCALE ? { retryScale: Number(process.env.DPIA_SFN_RETRY_SCALE) } : {}),
    });
    const secrets = createLocalSecrets({
      dataDir: config.dataDir,
      region: config.region,
      account: config.account,
    });
    bound(
      'sfn',
      await startStepFunctions({
        host,
        port: config.ports.sfn,
        engine,
        extraServices: { secretsmanager: { GetSecretValue: (r) => secrets.GetSecretValue(r) } },
      }),
    );
    // Ports asked for as 0 (tests) are known only now.
    Object.assign(process.env, sdkEnvironment(config));
    // Issue 15: with DPIA_FAULTS set, the handlers reach DynamoDB, SES and S3 through fault proxies.
    const faultRules = faultsFromEnv();
    if (faultRules) {
      faults.set(faultRules);
      for (const [service, variables] of [
        ['dynamodb', ['AWS_ENDPOINT_URL_DYNAMODB']],
        ['ses', ['AWS_ENDPOINT_URL_SES', 'AWS_ENDPOINT_URL_SESV2']],
        ['s3', ['AWS_ENDPOINT_URL_S3']],
      ] as const) {
        const proxy = await startFaultProxy({ service, host, target: serviceUrl(config, service) });
        started.push(proxy);
        for (const variable of variables) process.env[variable] = proxy.url;
      }
    }
    const substitutions = lifecycleSubstitutions(lambda, config);
    const stateMachineArn = deployStateMachine(
      engine,
      config,
      DEFAULTS.stateMachineName,
      LIFECYCLE_DEFINITION,
      substitutions,
    );
    if (stateMachineArn) process.env[ENV.stateMachineArn] = stateMachineArn;
    const reminderStateMachineArn = deployStateMachine(
      engine,
      config,
      DEFAULTS.reminderStateMachineName,
      REMINDER_DEFINITION,
      substitutions,
    );
    if (reminderStateMachineArn) process.env[ENV.reminderStateMachineArn] = reminderStateMachineArn;
    // Executions that were running when the stack last stopped continue now.
    engine.start();

    bound(
      'smtp',
      await startSmtp({
        host,
        port: config.ports.smtp,
        dataDir: config.dataDir,
        inboundDomain: config.inboundDomain,
        region: config.region,
        s3: localS3Client(),
        bucket: DEFAULTS.rawMailBucket,
        functionArn: lambda.functionArn(INBOUND_MAIL_FUNCTION),
        invoke: (event) => lambda.invoke(INBOUND_MAIL_FUNCTION, event),
      }),
    );
    bound(
      'api',
      await startHttpApi({
        host,
        port: config.ports.api,
        dataDir: config.dataDir,
        routes: options.routes ?? routeTable,
        invoke: (functionName, event) => lambda.invoke(functionName, event),
      }),
    );
    // An API asked for on port 0 (tests) has its real address only now: links in mail use it.
    Object.assign(process.env, handlerEnvironment(config));

    const urls = Object.fromEntries(
      (['api', 'dynamodb', 'ses', 'sfn', 'smtp', 's3'] as const).map((s) => [s, serviceUrl(config, s)]),
    ) as Record<ServiceName, string>;
    urls.smtp = `smtp://${host}:${config.ports.smtp}`;
    return { config, urls, lambda, stateMachineArn, reminderStateMachineArn, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** The function the EventBridge rule on failed lifecycle executions targets (infra/stateless-stack.ts). */
export const MARK_FAILED_FUNCTION = 'mark-failed';

/** The EventBridge event AWS sends for this execution's end, when the CDK rule would match it. */
export function statusChangeEvent(
  execution: ExecutionRecord,
  config: LocalConfig,
): ExecutionStatusChange | null {
  if (!execution.stateMachineArn.endsWith(`:stateMachine:${DEFAULTS.stateMachineName}`)) return null;
  if (!(FAILURE_STATUSES as readonly string[]).includes(execution.status)) return null;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': EXECUTION_STATUS_CHANGE,
    source: 'aws.states',
    account: config.account,
    time: new Date().toISOString(),
    region: config.region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: Math.round(execution.startDate * 1000),
      stopDate: execution.stopDate === undefined ? null : Math.round(execution.stopDate * 1000),
      input: execution.input,
      output: execution.output ?? null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

/** An asynchronous invoke with EventBridge's retries (a few, backing off; then the event is dropped and logged). */
function deliverEvent(lambda: LambdaRuntime, name: string, event: unknown, attempt = 0): void {
  lambda.invoke(name, event).catch((error: unknown) => {
    if (attempt >= 4) {
      process.stderr.write(
        `events: ${name} failed ${attempt + 1} times (${(error as Error).name}); event dropped\n`,
      );
      return;
    }
    setTimeout(() => deliverEvent(lambda, name, event, attempt + 1), 200 * 2 ** attempt).unref();
  });
}

/** What the handlers read from their environment (the CDK sets the same names on AWS). */
export function handlerEnvironment(config: LocalConfig): Record<string, string> {
  return {
    [ENV.tableName]: DEFAULTS.tableName,
    [ENV.rawMailBucket]: DEFAULTS.rawMailBucket,
    [ENV.evidenceBucket]: DEFAULTS.evidenceBucket,
    [ENV.inboundDomain]: config.inboundDomain,
    [ENV.senderAddress]: config.senderAddress,
    [ENV.publicBaseUrl]: serviceUrl(config, 'api'),
    [ENV.reviewKeySecretId]: REVIEW_KEY_SECRET_ID,
    [ENV.localSignIn]: 'true',
    [ENV.mailViewerUrl]: serviceUrl(config, 'ses'),
    // As the CDK sets them from dpia:reminderHours and dpia:approvalReminderHours; the shell may
    // override them (tests use fractions of an hour).
    [ENV.reminderHours]: process.env[ENV.reminderHours] || String(DEFAULTS.reminderHours),
    [ENV.approvalReminderHours]:
      process.env[ENV.approvalReminderHours] || String(DEFAULTS.approvalReminderHours),
    DPIA_LOG_LEVEL: process.env.DPIA_LOG_LEVEL ?? 'warn',
  };
}

/**
 * Creates a state machine from its one ASL file (the file the CDK deploys), or updates it when
 * the file changed.
 */
function deployStateMachine(
  engine: StepFunctionsEngine,
  config: LocalConfig,
  name: string,
  file: string,
  substitutions: Record<string, string>,
): string | null {
  if (!existsSync(file)) return null;
  const definition = substituteDefinition(readFileSync(file, 'utf8'), substitutions);
  const arn = `arn:aws:states:${config.region}:${config.account}:stateMachine:${name}`;
  try {
    engine.createStateMachine({ name, definition, roleArn: `arn:aws:iam::${config.account}:role/${name}` });
  } catch (error) {
    if ((error as Error).name !== 'StateMachineAlreadyExists') throw error;
    engine.updateStateMachine({ stateMachineArn: arn, definition });
  }
  return arn;
}

/** `${<PascalName>FunctionArn}` for every registered function, plus the table and bucket names. */
export function lifecycleSubstitutions(lambda: LambdaRuntime, config: LocalConfig): Record<string, string> {
  const values: Record<string, string> = {
    TableName: DEFAULTS.tableName,
    RawMailBucket: DEFAULTS.rawMailBucket,
    EvidenceBucket: DEFAULTS.evidenceBucket,
    Region: config.region,
  };
  for (const spec of functionRegistry)
    values[`${pascal(spec.name)}FunctionArn`] = lambda.functionArn(spec.name);
  return values;
}

const pascal = (name: string): string =>
  name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** `name=path/to/module.ts,...`: extra functions for experiments and the restart test. */
function extraFunctions(spec: string | undefined): FunctionSpec[] {
  if (!spec) return [];
  return spec.split(',').map((pair) => {
    const [name, entry] = pair.split('=');
    if (!name || !entry) throw new Error(`DPIA_EXTRA_FUNCTIONS: '${pair}' is not name=path`);
    return { name, entry: resolve(entry), description: 'extra function (DPIA_EXTRA_FUNCTIONS)' };
  });
}
