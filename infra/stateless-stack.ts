// Everything that can be rebuilt from the repository at any time: one function per registry entry
// with only the IAM its code needs (infra/access.ts), the lifecycle state machine from its ASL
// file, the HTTP API from the route table, SES sending and receiving, and the alarms.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { functionRegistry } from '../functions/registry.js';
import { routeTable } from '../functions/routes.js';
import { DEFAULTS, ENV } from '../functions/shared/config.js';
import { EXECUTION_STATUS_CHANGE, FAILURE_STATUSES } from '../functions/shared/execution-events.js';
import { tableDefinition } from '../functions/shared/table.js';
import { accessOf, type FunctionAccess } from './access.js';
import type { DeploymentConfig } from './config.js';
import { Alarms } from './constructs/alarms.js';
import { DpiaHttpApi } from './constructs/http-api.js';
import { Lifecycle, REMINDER_DEFINITION_FILE } from './constructs/lifecycle.js';
import { Mail } from './constructs/mail.js';
import { CHROMIUM_BIN_ON_LAMBDA, NodeFunction } from './constructs/node-function.js';
import { acknowledgeWildcardResource } from './nag.js';
import { NAMES } from './names.js';
import { repoPath } from './paths.js';
import type { StatefulStack } from './stateful-stack.js';

const exported = new WeakMap<StatefulStack, Map<string, string>>();

/**
 * A value of the stateful stack exported under a fixed name (the nag acknowledgments can then name
 * the resource exactly), once however many functions use it.
 */
function exportOnce(stateful: StatefulStack, value: string, name: string): string {
  const names = exported.get(stateful) ?? new Map<string, string>();
  exported.set(stateful, names);
  const existing = names.get(name);
  if (existing !== undefined) return existing;
  const token = stateful.exportValue(value, { name });
  names.set(name, token);
  return token;
}

// Exports with fixed names: a grant on a bucket's objects can then name the resource exactly in its
// acknowledgment (nag.ts).
const rawMailBucketArn = (stateful: StatefulStack) =>
  exportOnce(stateful, stateful.rawMailBucket.bucketArn, 'camera-dpia-raw-mail-bucket-arn');
const evidenceBucketArn = (stateful: StatefulStack) =>
  exportOnce(stateful, stateful.evidenceBucket.bucketArn, 'camera-dpia-evidence-bucket-arn');

/**
 * Actions on the objects under one prefix of a bucket, whose keys are made at run time: the one
 * wildcard resource such a grant needs, acknowledged with why.
 */
function grantUnderPrefix(role: iam.Role, bucketArn: string, prefix: string, actions: string[], why: string) {
  const objects = `${bucketArn}/${prefix}*`;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [objects] }));
  acknowledgeWildcardResource(role, objects, why);
}

export interface StatelessStackProps extends StackProps {
  config: DeploymentConfig;
  stateful: StatefulStack;
  /** Defaults to the repository's ASL file; a test points it at an edited copy. */
  definitionFile?: string;
}

export class StatelessStack extends Stack {
  /** Deployed functions by registry name. */
  readonly functions = new Map<string, NodeFunction>();
  readonly lifecycle: Lifecycle;
  /** One execution per reminder, waiting beside the lifecycle (README, Reminders). */
  readonly reminders: Lifecycle;
  readonly api: DpiaHttpApi;
  readonly mail: Mail;
  readonly alarms: Alarms;
  readonly inboundMailDeadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, stateful } = props;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const stateMachineArn = Lifecycle.arn(this);
    const reminderStateMachineArn = Lifecycle.arn(this, NAMES.reminderStateMachine);

    this.inboundMailDeadLetters = new sqs.Queue(this, 'InboundMailDeadLetters', {
      queueName: 'camera-dpia-inbound-mail-dlq',
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    for (const spec of functionRegistry) {
      const access = accessOf(spec.name);
      const fn = new NodeFunction(this, spec.name, {
        spec,
        logRetention,
        ...(access.templates ? { includeTemplates: true } : {}),
        ...(spec.name === 'inbound-mail' ? { deadLetterQueue: this.inboundMailDeadLetters } : {}),
      });
      this.functions.set(spec.name, fn);
      grantAccess(fn, access, {
        config,
        stateful,
        stateMachineArn,
        reminderStateMachineArn,
        executionsArn: Lifecycle.executionsArn(this),
      });
    }
    const functions = new Map<string, lambda.IFunction>(
      [...this.functions].map(([name, fn]) => [name, fn.function] as const),
    );

    this.lifecycle = new Lifecycle(this, 'Lifecycle', {
      functions,
      logRetention,
      ...(props.definitionFile ? { definitionFile: props.definitionFile } : {}),
    });
    this.reminders = new Lifecycle(this, 'Reminders', {
      functions,
      logRetention,
      definitionFile: repoPath(REMINDER_DEFINITION_FILE),
      stateMachineName: NAMES.reminderStateMachine,
    });
    this.api = new DpiaHttpApi(this, 'Api', {
      routes: routeTable,
      functions,
      userPool: stateful.userPool,
      userPoolClient: stateful.userPoolClient,
      logRetention,
    });
    // Review links start at the API, which needs the functions first: settings come last.
    const publicBaseUrl = config.publicBaseUrl ?? this.api.endpoint;
    const values: SettingValues = {
      tableName: stateful.table.tableName,
      rawMailBucket: stateful.rawMailBucket.bucketName,
      evidenceBucket: stateful.evidenceBucket.bucketName,
      inboundDomain: config.inboundDomain,
      senderAddress: config.senderAddress,
      publicBaseUrl,
      stateMachineArn,
      reviewKeySecretId: stateful.reviewLinkKey.secretArn,
      approvalTimeoutDays: String(config.approvalTimeoutDays),
      dpoTimeoutDays: String(config.dpoTimeoutDays),
      reviewDigestTo: config.reviewDigestTo,
      // Where infra/constructs/node-function.ts copies @sparticuz/chromium's bin/ in the bundle.
      chromiumBin: CHROMIUM_BIN_ON_LAMBDA,
      reminderStateMachineArn,
      reminderHours: String(config.reminderHours),
      approvalReminderHours: String(config.approvalReminderHours),
      minConsultationDays: String(config.minConsultationDays),
      scoringPolicy: config.scoringPolicy,
    };
    const webSignIn = [...this.functions.keys()].some((name) =>
      accessOf(name).settings?.includes('cognitoClientId'),
    );
    if (webSignIn) Object.assign(values, this.webSignIn(config, stateful, publicBaseUrl));
    // Each function gets the variables its access implies, and no others.
    for (const [name, fn] of this.functions) {
      for (const [key, value] of Object.entries(settingsFor(name, accessOf(name), values))) {
        fn.function.addEnvironment(key, value);
      }
    }

    // Issue 14: the reviews digest on the 1st of every month, 07:00 UTC.
    const digest = functions.get('send-review-digest');
    if (digest) {
      new events.Rule(this, 'MonthlyReviewDigest', {
        ruleName: 'camera-dpia-review-digest',
        description: 'Mails managers the camera reviews overdue or due in the next 60 days',
        schedule: events.Schedule.cron({ minute: '0', hour: '7', day: '1' }),
        targets: [new targets.LambdaFunction(digest, { retryAttempts: 2 })],
      });
    }

    // Issue 15: a lifecycle that fails or times out after its retries stops at the failing step
    // (so RedriveExecution can resume it there); this rule marks its proposal failed.
    const markFailed = functions.get('mark-failed');
    if (!markFailed) throw new Error('functions/registry.ts has no mark-failed function');
    new events.Rule(this, 'LifecycleFailed', {
      ruleName: 'camera-dpia-lifecycle-failed',
      description: 'Marks the proposal failed when its lifecycle execution fails or times out',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: {
          status: [...FAILURE_STATUSES],
          stateMachineArn: [this.lifecycle.stateMachine.stateMachineArn],
        },
      },
      targets: [
        new targets.LambdaFunction(markFailed, { retryAttempts: 8, maxEventAge: Duration.hours(24) }),
      ],
    });

    const inboundMail = functions.get('inbound-mail');
    if (!inboundMail) throw new Error('functions/registry.ts has no inbound-mail function for the SES rule');
    this.mail = new Mail(this, 'Mail', { config, rawMailBucket: stateful.rawMailBucket, inboundMail });
    this.alarms = new Alarms(this, 'Alarms', {
      alarmEmail: config.alarmEmail,
      functions,
      stateMachine: this.lifecycle.stateMachine,
      reminderStateMachine: this.reminders.stateMachine,
      inboundMailDeadLetters: this.inboundMailDeadLetters,
      api: this.api.api,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.endpoint });
    new CfnOutput(this, 'ReviewLinkBaseUrl', { value: publicBaseUrl });
    new CfnOutput(this, 'StateMachineArn', { value: this.lifecycle.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ReminderStateMachineArn', { value: this.reminders.stateMachine.stateMachineArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }

  /**
   * The web pages' sign-in: Cognito's managed login on a domain of its own (the newer pages: the
   * classic hosted UI cannot enrol the authenticator app that MFA requires), and an OAuth client
   * whose callback is the API's address. They live here, not with the user pool, because the
   * callback needs the API.
   */
  private webSignIn(config: DeploymentConfig, stateful: StatefulStack, publicBaseUrl: string): SettingValues {
    const domain = new cognito.UserPoolDomain(this, 'SignInDomain', {
      userPool: stateful.userPool,
      cognitoDomain: { domainPrefix: config.signInDomainPrefix ?? `camera-dpia-${this.account}` },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    const client = new cognito.UserPoolClient(this, 'WebClient', {
      userPool: stateful.userPool,
      userPoolClientName: 'camera-dpia-web',
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${publicBaseUrl}/app/auth/callback`],
        logoutUrls: [`${publicBaseUrl}/`],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });
    new cognito.CfnManagedLoginBranding(this, 'SignInBranding', {
      userPoolId: stateful.userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    new CfnOutput(this, 'SignInUrl', { value: `${publicBaseUrl}/sign-in` });
    return {
      cognitoDomain: domain.baseUrl(),
      cognitoClientId: client.userPoolClientId,
      cognitoIssuer: stateful.userPool.userPoolProviderUrl,
    };
  }
}

/** Setting values by ENV key; the web sign-in ones exist only when a function signs people in. */
type SettingValues = Partial<Record<keyof typeof ENV, string>>;

/** The environment of one function: the table always, the rest as its access says. */
export function settingsFor(
  name: string,
  access: FunctionAccess,
  values: SettingValues,
): Record<string, string> {
  const keys: (keyof typeof ENV)[] = ['tableName'];
  if (access.sendsMail) keys.push('senderAddress');
  if (access.readsRawMail) keys.push('rawMailBucket');
  if (access.archivesMail || access.readsEvidence || access.servesLargeBodies) keys.push('evidenceBucket');
  if (access.readsReviewKey) keys.push('reviewKeySecretId');
  if (access.workflow?.includes('StartExecution')) keys.push('stateMachineArn');
  if (access.schedulesReminders) keys.push('reminderStateMachineArn');
  keys.push(...(access.settings ?? []));
  const env: Record<string, string> = {};
  for (const key of keys) {
    const value = values[key];
    if (value === undefined) throw new Error(`No value for ${ENV[key]}, which ${name} reads`);
    env[ENV[key]] = value;
  }
  return env;
}

/** Workflow actions on the lifecycle's executions (the others act on the state machine). */
const EXECUTION_ACTIONS = new Set(['StopExecution', 'GetExecutionHistory', 'RedriveExecution']);

interface GrantContext {
  config: DeploymentConfig;
  stateful: StatefulStack;
  stateMachineArn: string;
  reminderStateMachineArn: string;
  executionsArn: string;
}

/** IAM for one function, statement by statement, from its entry in infra/access.ts. */
function grantAccess(fn: NodeFunction, access: FunctionAccess, ctx: GrantContext): void {
  const { stateful, config } = ctx;
  const role = fn.role;
  const stack = Stack.of(fn);

  const tableArn = stateful.table.tableArn;
  const resources = access.table.includes('Query')
    ? [
        tableArn,
        ...tableDefinition.globalSecondaryIndexes.map((index) => `${tableArn}/index/${index.indexName}`),
      ]
    : [tableArn];
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: access.table.map((action) => `dynamodb:${action}`), resources }),
  );
  // DynamoDB uses the table's customer-managed key on the caller's behalf.
  const writes = access.table.some((action) => action !== 'GetItem' && action !== 'Query');
  stateful.dataKey.grant(
    role,
    'kms:Decrypt',
    'kms:DescribeKey',
    ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
  );

  for (const action of access.workflow ?? []) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [`states:${action}`],
        resources: [EXECUTION_ACTIONS.has(action) ? ctx.executionsArn : ctx.stateMachineArn],
      }),
    );
    if (EXECUTION_ACTIONS.has(action)) {
      acknowledgeWildcardResource(
        role,
        ctx.executionsArn,
        'Executions are named after proposal ids, created at run time: the grant covers the executions of the lifecycle state machine only.',
      );
    }
  }

  if (access.schedulesReminders) {
    // Reminders only: this grant cannot start (or re-start) a lifecycle.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [ctx.reminderStateMachineArn],
      }),
    );
  }

  if (access.sendsMail) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: config.sendingDomain }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: NAMES.configurationSet,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': config.senderAddress } },
      }),
    );
  }

  if (access.readsSendQuota) {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ses:GetSendQuota'], resources: ['*'] }));
    acknowledgeWildcardResource(
      role,
      '*',
      'ses:GetSendQuota reads the account sending quota and supports no resource-level permission: the grant is this one read-only action.',
    );
  }

  if (access.readsRawMail) {
    grantUnderPrefix(
      role,
      rawMailBucketArn(stateful),
      DEFAULTS.rawMailPrefix,
      ['s3:GetObject'],
      'SES stores each reply as inbound/<SES message id>, a key known only when mail arrives: the grant is read-only and limited to that prefix.',
    );
  }

  if (access.archivesMail || access.readsEvidence) {
    const bucketArn = evidenceBucketArn(stateful);
    grantUnderPrefix(
      role,
      bucketArn,
      DEFAULTS.evidencePrefix,
      [...(access.archivesMail ? ['s3:PutObject'] : []), ...(access.readsEvidence ? ['s3:GetObject'] : [])],
      'Each evidence object is named by its proposal and sending time, known only at run time: the grant is limited to the evidence/ prefix, and the objects are encrypted with the data key the role already uses for the table.',
    );
    if (access.readsEvidence) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${DEFAULTS.evidencePrefix}*`] } },
        }),
      );
    }
  }

  if (access.servesLargeBodies) {
    grantUnderPrefix(
      role,
      evidenceBucketArn(stateful),
      DEFAULTS.downloadsPrefix,
      ['s3:PutObject', 's3:GetObject'],
      'A body over the Lambda response cap is written once under downloads/<random id>/ and fetched through a five-minute presigned URL: the key is made at run time, and the grant is limited to that prefix (expired by a lifecycle rule).',
    );
    // The bucket's objects are encrypted with the data key: writing one needs a data key from it.
    stateful.dataKey.grant(role, 'kms:GenerateDataKey', 'kms:Encrypt');
  }

  if (access.readsReviewKey) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [stateful.reviewLinkKey.secretArn],
      }),
    );
  }
}
