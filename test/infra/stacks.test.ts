// Assertions on the synthesized CloudFormation (no AWS account): the stateful resources keep the
// shared table definition and are protected, every function is Node.js 22 on arm64 with an ES
// module bundle, the state machine is the ASL file, the API is the route table, IAM holds no
// wildcard AWS does not require, and cdk-nag's AWS Solutions checks pass.
// Over 500 lines: one synthesis (slow: every bundle) shared by every assertion on the template.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployedFunctionName, functionRegistry } from '../../functions/registry.js';
import { routeKey, routeTable } from '../../functions/routes.js';
import { DEFAULTS, ENV } from '../../functions/shared/config.js';
import { createTableInput } from '../../functions/shared/table.js';
import { accessOf, type FunctionAccess } from '../../infra/access.js';
import {
  LIFECYCLE_DEFINITION_FILE,
  placeholdersOf,
  REMINDER_DEFINITION_FILE,
} from '../../infra/constructs/lifecycle.js';
import { repoPath } from '../../infra/paths.js';
import { settingsFor } from '../../infra/stateless-stack.js';
import { grantedCalls } from '../support/granted-calls.js';
import { cdkJsonContext, type Synthesized, synthesize } from './synth.js';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown };

let synth: Synthesized;
let stateful: Template;
let stateless: Template;

beforeAll(() => {
  synth = synthesize();
  stateful = Template.fromStack(synth.stateful);
  stateless = Template.fromStack(synth.stateless);
}, 120_000);

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type)) as [string, Resource][];
const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
/** The one element of a list, or a failure naming what was looked for. */
/** The state machine of that fixed name (the lifecycle, or the reminder workflow beside it). */
const stateMachineNamed = (template: Template, name: string): [string, Resource] =>
  only(
    resourcesOf(template, 'AWS::StepFunctions::StateMachine').filter(
      ([, sm]) => sm.Properties.StateMachineName === name,
    ),
    `state machine ${name}`,
  );

function only<T>(list: T[], what: string): T {
  const [first] = list;
  if (first === undefined || list.length !== 1) throw new Error(`expected one ${what}, found ${list.length}`);
  return first;
}

describe('stateful stack', () => {
  it('builds the table from the shared definition, as the local stack does (createTableInput)', () => {
    const local = createTableInput('any');
    const [, table] = only(resourcesOf(stateful, 'AWS::DynamoDB::GlobalTable'), 'table');
    expect(table.Properties).toMatchObject({
      BillingMode: local.BillingMode,
      KeySchema: local.KeySchema,
      AttributeDefinitions: expect.arrayContaining(local.AttributeDefinitions),
      GlobalSecondaryIndexes: local.GlobalSecondaryIndexes,
    });
    expect(table.Properties.AttributeDefinitions).toHaveLength(local.AttributeDefinitions.length);
    // ...and the local stack really creates its table from that input.
    expect(readFileSync(repoPath('local/dynamodb.ts'), 'utf8')).toMatch(/createTableInput\(/);
  });

  it('protects the table: point-in-time recovery, a customer-managed KMS key, deletion protection, retained', () => {
    stateful.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: [
          Match.objectLike({
            DeletionProtectionEnabled: true,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            SSESpecification: {
              KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DataKey'), 'Arn'] },
            },
          }),
        ],
      }),
    });
    stateful.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ EnableKeyRotation: true }),
    });
  });

  it('keeps the data buckets private, TLS-only, versioned, encrypted, logged and expiring by the retention days', () => {
    const context = cdkJsonContext();
    for (const [prefix, days] of [
      ['RawMail', context['dpia:rawMailRetentionDays']],
      ['Evidence', context['dpia:evidenceRetentionDays']],
    ] as const) {
      const [, bucket] = only(
        resourcesOf(stateful, 'AWS::S3::Bucket').filter(([id]) => id.startsWith(prefix)),
        `${prefix} bucket`,
      );
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [expect.anything()] },
        LoggingConfiguration: { DestinationBucketName: expect.anything() },
        LifecycleConfiguration: {
          Rules: expect.arrayContaining([
            expect.objectContaining({ Id: 'retention', ExpirationInDays: days, Status: 'Enabled' }),
          ]),
        },
      });
      // Only the retention rule applies to the whole bucket; others are scoped to a prefix.
      const rules = (bucket.Properties.LifecycleConfiguration as { Rules: { Id: string; Prefix?: string }[] })
        .Rules;
      expect(rules.filter((r) => r.Prefix === undefined).map((r) => r.Id)).toEqual(['retention']);
    }
    // Bodies too big for a Lambda response are kept a day, for their one presigned download.
    const [, evidence] = only(
      resourcesOf(stateful, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('Evidence')),
      'Evidence bucket',
    );
    expect((evidence.Properties.LifecycleConfiguration as { Rules: unknown[] }).Rules).toContainEqual(
      expect.objectContaining({ Id: 'downloads', Prefix: 'downloads/', ExpirationInDays: 1 }),
    );
    const denyInsecure = resourcesOf(stateful, 'AWS::S3::BucketPolicy').filter(([, policy]) =>
      JSON.stringify(policy.Properties).includes('"aws:SecureTransport":"false"'),
    );
    expect(denyInsecure).toHaveLength(3);
  });

  it('lets SES store mail only under inbound/, and only from the camera-dpia receipt rule', () => {
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:PutObject',
            Principal: { Service: 'ses.amazonaws.com' },
            Resource: { 'Fn::Join': ['', [Match.anyValue(), `/${DEFAULTS.rawMailPrefix}*`]] },
            Condition: {
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ]),
      },
    });
  });

  it('generates a review-link key the handler can decode: 64 base64 characters, 48 bytes', () => {
    stateful.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
    });
    // Letters and digits are base64 digits: what link.ts decodes is 48 bytes (it needs >= 16).
    expect(Buffer.from('aZ09'.repeat(16), 'base64')).toHaveLength(48);
  });

  it('has a user pool with the manager and auditor groups, MFA required and no self sign-up', () => {
    stateful.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'ON',
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    const groups = resourcesOf(stateful, 'AWS::Cognito::UserPoolGroup').map(
      ([, g]) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['auditor', 'manager']);
  });
});

describe('functions', () => {
  const functions = () => resourcesOf(stateless, 'AWS::Lambda::Function');

  it('deploys every registry function, each on Node.js 22, arm64 (x86_64 for Chromium), traced, JSON logs with a retention', () => {
    const names = functions().map(([, fn]) => fn.Properties.FunctionName);
    expect(names.sort()).toEqual(functionRegistry.map((spec) => deployedFunctionName(spec.name)).sort());
    for (const [id, fn] of functions()) {
      // @sparticuz/chromium ships an x86_64 build only.
      const chromium = functionRegistry.find(
        (spec) => deployedFunctionName(spec.name) === fn.Properties.FunctionName,
      )?.chromium;
      expect(fn.Properties, id).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: [chromium ? 'x86_64' : 'arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } },
      });
    }
    for (const [, group] of resourcesOf(stateless, 'AWS::Logs::LogGroup')) {
      expect(group.Properties.RetentionInDays).toBe(cdkJsonContext()['dpia:logRetentionDays']);
    }
  });

  it('sets on each function exactly the settings its access implies, and the log level', () => {
    const anyValue = Object.fromEntries(Object.keys(ENV).map((key) => [key, 'x']));
    for (const [name, id] of functionsByName(stateless)) {
      const fn = stateless.toJSON().Resources[id] as Resource;
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Object.keys(variables).sort(), name).toEqual(
        [
          ...Object.keys(settingsFor(name, accessOf(name), anyValue)),
          'DPIA_LOG_LEVEL',
          'NODE_OPTIONS',
        ].sort(),
      );
    }
  });

  it('bundles each handler as a minified ES module with a source map, templates/ beside those that render', () => {
    for (const spec of functionRegistry) {
      const dir = assetDirOf(deployedFunctionName(spec.name));
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire } from 'node:module';"), spec.name).toBe(true);
      expect(code, spec.name).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}/);
      // The AWS SDK v3 stays external: the runtime has it.
      expect(code, spec.name).not.toMatch(/class DynamoDBClient\b/);
      // Minified: a few very long lines (esbuild's readable output averages some 40 characters).
      expect(code.length / code.split('\n').length, `${spec.name} is minified`).toBeGreaterThan(200);
      expect(existsSync(join(dir, 'index.mjs.map')), spec.name).toBe(true);
      expect(existsSync(join(dir, 'templates')), spec.name).toBe(accessOf(spec.name).templates === true);
    }
  });

  it('gives the async inbound-mail function a dead-letter queue', () => {
    const [, fn] = only(
      functions().filter(([, f]) => f.Properties.FunctionName === deployedFunctionName('inbound-mail')),
      'inbound-mail function',
    );
    expect(fn.Properties.DeadLetterConfig).toEqual({
      TargetArn: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
    });
  });
});

describe('lifecycle state machine', () => {
  it('is the ASL file, every placeholder filled with the ARN of the registry function of that name', () => {
    const { file, sm, substitutions } = deployedFromFile(
      LIFECYCLE_DEFINITION_FILE,
      DEFAULTS.stateMachineName,
    );
    expect(Object.keys(substitutions).sort()).toEqual(placeholdersOf(file).sort());
    const functionIds = new Map(functionsByName(stateless).map(([name, id]) => [id, name]));
    for (const [placeholder, value] of Object.entries(substitutions)) {
      const name = functionIds.get(value['Fn::GetAtt'][0]) ?? '';
      expect(placeholder).toBe(
        `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}FunctionArn`,
      );
    }
    expect(sm.Properties).toMatchObject({
      StateMachineName: DEFAULTS.stateMachineName,
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('is the one create-proposal starts and the handlers complete tasks of (ARN from its fixed name)', () => {
    const [, create] = only(
      resourcesOf(stateless, 'AWS::Lambda::Function').filter(
        ([, f]) => f.Properties.FunctionName === deployedFunctionName('create-proposal'),
      ),
      'create-proposal function',
    );
    const env = (create.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.DPIA_STATE_MACHINE_ARN)).toMatch(
      new RegExp(`arn:aws:states:eu-west-2:".*":stateMachine:${DEFAULTS.stateMachineName}"`),
    );
  });

  it('changes when the file changes: a renamed state in a copy shows in the synthesized definition', () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'camera-dpia-asl-')), 'lifecycle.asl.json');
    copyFileSync(repoPath(LIFECYCLE_DEFINITION_FILE), copy);
    writeFileSync(
      copy,
      readFileSync(copy, 'utf8').replaceAll('"CloseConsultation"', '"CloseTheConsultation"'),
    );
    const edited = synthesize({ bundle: false, stateless: { definitionFile: copy } });
    const [, sm] = stateMachineNamed(Template.fromStack(edited.stateless), DEFAULTS.stateMachineName);
    const states = Object.keys((definitionOf(edited, sm) as { States: object }).States);
    expect(states).toContain('CloseTheConsultation');
    expect(states).not.toContain('CloseConsultation');
  }, 60_000);

  it('may invoke exactly the functions the definition names', () => {
    const invoked = new Set(
      invokedBy('Lifecycle').map((r) => (r as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0]),
    );
    const file = readFileSync(repoPath(LIFECYCLE_DEFINITION_FILE), 'utf8');
    expect(invoked.size).toBe(placeholdersOf(file).filter((p) => p.endsWith('FunctionArn')).length);
  });
});

describe('reminder state machine', () => {
  it('is its own ASL file, deployed like the lifecycle (logged without data, traced), invoking only SendReminder', () => {
    const { sm, substitutions } = deployedFromFile(
      REMINDER_DEFINITION_FILE,
      DEFAULTS.reminderStateMachineName,
    );
    const [, sendReminderId] = only(
      functionsByName(stateless).filter(([name]) => name === 'send-reminder'),
      'send-reminder function',
    );
    expect(substitutions).toEqual({ SendReminderFunctionArn: { 'Fn::GetAtt': [sendReminderId, 'Arn'] } });
    expect(sm.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    expect(invokedBy('Reminders')).toEqual([{ 'Fn::GetAtt': [sendReminderId, 'Arn'] }]);
  });

  it('may be started only by the functions that schedule reminders, and they may start nothing else', () => {
    const starters = new Map<string, unknown[]>();
    for (const [name, roleId] of functionRoles(stateless)) {
      const resources = statementsOf(stateless)
        .filter(({ owner, roles }) => owner === roleId || roles.includes(roleId))
        .filter(({ statement }) => asList(statement.Action).includes('states:StartExecution'))
        .flatMap(({ statement }) => asList(statement.Resource));
      if (resources.length > 0) starters.set(name, resources);
    }
    const reminderArn = new RegExp(`:stateMachine:${DEFAULTS.reminderStateMachineName}"`);
    const schedulers = [...starters].filter(([, resources]) => reminderArn.test(JSON.stringify(resources)));
    expect(schedulers.map(([name]) => name).sort()).toEqual([
      'request-approval',
      'request-dpo-advice',
      'send-consultation',
    ]);
    for (const [name, resources] of schedulers) {
      expect(resources, name).toHaveLength(1);
      expect(JSON.stringify(resources), name).not.toContain(`stateMachine:${DEFAULTS.stateMachineName}"`);
    }
    const [, sendConsultation] = only(
      resourcesOf(stateless, 'AWS::Lambda::Function').filter(
        ([, f]) => f.Properties.FunctionName === deployedFunctionName('send-consultation'),
      ),
      'send-consultation function',
    );
    const env = (sendConsultation.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(JSON.stringify(env.DPIA_REMINDER_STATE_MACHINE_ARN)).toMatch(reminderArn);
    expect(env.DPIA_REMINDER_HOURS).toBe(String(cdkJsonContext()['dpia:reminderHours']));
  });
});

describe('HTTP handlers', () => {
  it("every function behind an API route answers within API Gateway's 30 s", () => {
    const routed = new Set(routeTable.map((r) => r.function));
    const handlers = resourcesOf(stateless, 'AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties as { FunctionName?: string; Timeout?: number })
      .filter((p) => routed.has(String(p.FunctionName).replace(/^camera-dpia-/, '')));
    expect(handlers).toHaveLength(routed.size);
    const tooSlow = handlers
      .filter((p) => (p.Timeout ?? 3) >= 30)
      .map((p) => `${p.FunctionName}: ${p.Timeout} s`);
    expect(tooSlow).toEqual([]);
  });
});

describe('review cycle', () => {
  it('runs the reviews digest on the 1st of every month, and may invoke only that function', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Name: 'camera-dpia-review-digest',
      ScheduleExpression: 'cron(0 7 1 * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: Match.objectLike({
            'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^sendreviewdigest')]),
          }),
        }),
      ],
    });
    stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: Match.objectLike({
        'Fn::GetAtt': Match.arrayWith([Match.stringLikeRegexp('^sendreviewdigest')]),
      }),
    });
  });
});

describe('HTTP API', () => {
  it('has every route of the route table, the JWT authorizer on jwt routes and none on the others', () => {
    const routes = resourcesOf(stateless, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(routeTable.map(routeKey).sort());
    const [authorizerId] = only(resourcesOf(stateless, 'AWS::ApiGatewayV2::Authorizer'), 'authorizer');
    for (const route of routeTable) {
      const synthesized = routes.find((r) => r.RouteKey === routeKey(route));
      if (route.auth === 'jwt') {
        expect(synthesized, routeKey(route)).toMatchObject({
          AuthorizationType: 'JWT',
          AuthorizerId: { Ref: authorizerId },
        });
      } else {
        expect(synthesized?.AuthorizationType ?? 'NONE', routeKey(route)).toBe('NONE');
        expect(synthesized?.AuthorizerId, routeKey(route)).toBeUndefined();
      }
    }
    for (const route of routeTable.filter((r) => r.path.startsWith('/review/')))
      expect(route.auth).toBe('none');
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: {
        Audience: [Match.anyValue()],
        Issuer: Match.objectLike({
          'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('cognito-idp')])],
        }),
      },
    });
  });

  it('throttles and writes access logs', () => {
    stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('routeKey') },
    });
  });
});

describe('mail', () => {
  it('stores inbound mail under inbound/, then invokes inbound-mail asynchronously', () => {
    const [, inboundId] = only(
      functionsByName(stateless).filter(([name]) => name === 'inbound-mail'),
      'inbound-mail function',
    );
    stateless.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({
        Recipients: [cdkJsonContext()['dpia:inboundDomain']],
        Enabled: true,
        Actions: [
          { S3Action: { BucketName: Match.anyValue(), ObjectKeyPrefix: DEFAULTS.rawMailPrefix } },
          { LambdaAction: { FunctionArn: { 'Fn::GetAtt': [inboundId, 'Arn'] }, InvocationType: 'Event' } },
        ],
      }),
    });
    stateless.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: cdkJsonContext()['dpia:sendingDomain'],
      ConfigurationSetAttributes: { ConfigurationSetName: Match.anyValue() },
    });
  });

  it('alarms on failed executions, function errors and throttles and inbound-mail dead letters, by e-mail', () => {
    const metrics = resourcesOf(stateless, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties.MetricName);
    expect(metrics.filter((m) => m === 'Errors')).toHaveLength(functionRegistry.length);
    expect(metrics.filter((m) => m === 'Throttles')).toHaveLength(functionRegistry.length);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'ExecutionsFailed',
        'ExecutionsTimedOut',
        'ApproximateNumberOfMessagesVisible',
      ]),
    );
    stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: cdkJsonContext()['dpia:alarmEmail'],
    });
  });

  it('never lets a lifecycle stall silently: a failed or timed-out execution alarms, marks its proposal failed, and can be redriven', () => {
    const [smId, sm] = stateMachineNamed(stateless, DEFAULTS.stateMachineName);
    // The alarms watch this very state machine.
    const alarmsOn = (metric: string) =>
      resourcesOf(stateless, 'AWS::CloudWatch::Alarm').filter(
        ([, a]) =>
          a.Properties.MetricName === metric &&
          JSON.stringify(a.Properties.Dimensions).includes(smId) &&
          (a.Properties.AlarmActions as unknown[]).length > 0,
      );
    expect(alarmsOn('ExecutionsFailed')).toHaveLength(1);
    expect(alarmsOn('ExecutionsTimedOut')).toHaveLength(1);
    // No catch-all: a step that still fails after its retries fails the execution there, so
    // RedriveExecution resumes at that step (a Fail state would fail again on a redrive).
    const definition = definitionOf(synth, sm) as {
      States: Record<string, { Type: string; Catch?: { ErrorEquals: string[] }[] }>;
    };
    const states = Object.values(definition.States);
    expect(states.filter((st) => st.Type === 'Fail')).toEqual([]);
    expect(
      states.flatMap((st) => st.Catch ?? []).filter((c) => c.ErrorEquals.includes('States.ALL')),
    ).toEqual([]);
    // The EventBridge rule on those executions runs mark-failed.
    const markFailed = functionsByName(stateless).find(([name]) => name === 'mark-failed')?.[1];
    const rules = resourcesOf(stateless, 'AWS::Events::Rule').filter(
      ([, r]) =>
        (r.Properties.EventPattern as { source?: string[] } | undefined)?.source?.[0] === 'aws.states',
    );
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0] as [string, Resource];
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      detail: { status: ['FAILED', 'TIMED_OUT'], stateMachineArn: [{ Ref: smId }] },
    });
    expect(JSON.stringify(rule.Properties.Targets)).toContain(String(markFailed));
    // Only the redrive function may redrive, and only the lifecycle's executions.
    const redrivers = statementsOf(stateless).filter((s) =>
      [s.statement.Action].flat().includes('states:RedriveExecution'),
    );
    expect(redrivers.flatMap((s) => s.roles)).toHaveLength(1);
    expect(JSON.stringify(redrivers[0]?.statement.Resource)).toContain(
      `:execution:${DEFAULTS.stateMachineName}:*`,
    );
  });
});

/**
 * Where AWS accepts only `Resource: "*"`: X-Ray (no resource-level permissions) for tracing, and
 * CloudWatch Logs vended log delivery, which Step Functions logging uses.
 */
const ACTIONS_AWS_ONLY_ALLOWS_ON_STAR = new Set([
  // SES's sending quota is the account's: the action names no resource type.
  'ses:GetSendQuota',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/**
 * The default key policy statement: the account root may do everything with the key, which lets
 * IAM policies grant its use at all. Without it AWS cannot manage the key (it becomes unusable).
 */
const isKeyAdministration = (type: string, statement: Statement): boolean =>
  type === 'AWS::KMS::Key' &&
  asList(statement.Action).join() === 'kms:*' &&
  JSON.stringify(statement.Principal).includes(':root');

describe('IAM', () => {
  it('has no Action "*" and no Resource "*" except where AWS requires it', () => {
    const all = [...statementsOf(stateful), ...statementsOf(stateless)];
    expect(all.length).toBeGreaterThan(50);
    for (const { owner, type, statement } of all) {
      // A Deny on s3:* (the TLS-only bucket policies) takes away; only what is allowed counts.
      if (statement.Effect === 'Deny') continue;
      expect(asList(statement.Action), owner).not.toContain('*');
      if (!isKeyAdministration(type, statement)) {
        for (const action of asList(statement.Action)) expect(action, owner).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
      if (!asList(statement.Resource).includes('*')) continue;
      // A key policy's "*" means the key itself: AWS requires exactly that form.
      if (type === 'AWS::KMS::Key') continue;
      for (const action of asList(statement.Action)) {
        expect(ACTIONS_AWS_ONLY_ALLOWS_ON_STAR.has(action), `${owner}: ${action} on "*"`).toBe(true);
      }
    }
  });

  it('allows each function exactly what infra/access.ts lists for it (and logging and tracing)', () => {
    for (const [name, roleId] of functionRoles(stateless)) {
      const actions = new Set(
        statementsOf(stateless)
          .filter(({ owner, roles }) => owner === roleId || roles.includes(roleId))
          .flatMap(({ statement }) => asList(statement.Action)),
      );
      expect([...actions].sort(), name).toEqual(expectedActions(name, accessOf(name)).sort());
    }
  });
});

describe('cdk-nag', () => {
  it('reports no unacknowledged AwsSolutions error, and the CDK no error annotation', () => {
    const report = synth.nag.validateScope(synth.app);
    const errors = report.violations.filter((v) => v.severity === 'error');
    expect(
      errors.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    for (const stack of [synth.stateful, synth.stateless]) {
      expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
    }
  });
});

/** IAM's name for a call where it is not the SDK command's. */
const IAM_ACTION_OF_CALL: Record<string, string> = { 's3:ListObjectsV2': 's3:ListBucket' };

function expectedActions(name: string, access: FunctionAccess): string[] {
  const writes = access.table.some((a) => a !== 'GetItem' && a !== 'Query');
  const actions = [
    ...grantedCalls(access).map((call) => IAM_ACTION_OF_CALL[call] ?? call),
    'kms:Decrypt',
    'kms:DescribeKey',
    ...(writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
    ...(access.servesLargeBodies && !writes ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
    ...(name === 'inbound-mail' ? ['sqs:SendMessage'] : []),
    'logs:CreateLogStream',
    'logs:PutLogEvents',
    'xray:PutTraceSegments',
    'xray:PutTelemetryRecords',
  ];
  // Two grants may name the same action (reading evidence and serving large bodies both read S3).
  return [...new Set(actions)];
}

/** Every policy statement in a template, with the resource that holds it and the roles it applies to. */
function statementsOf(
  template: Template,
): { owner: string; type: string; roles: string[]; statement: Statement }[] {
  const out: { owner: string; type: string; roles: string[]; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(template.toJSON().Resources as Record<string, Resource>)) {
    const p = resource.Properties ?? {};
    const documents: unknown[] = [];
    if (
      resource.Type === 'AWS::IAM::Policy' ||
      resource.Type.endsWith('::BucketPolicy') ||
      resource.Type.endsWith('::QueuePolicy') ||
      resource.Type.endsWith('::TopicPolicy')
    ) {
      documents.push(p.PolicyDocument);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const inline of (p.Policies as { PolicyDocument: unknown }[] | undefined) ?? [])
        documents.push(inline.PolicyDocument);
    }
    if (resource.Type === 'AWS::KMS::Key') documents.push(p.KeyPolicy);
    const roles = ((p.Roles as { Ref: string }[] | undefined) ?? []).map((r) => r.Ref);
    for (const document of documents) {
      for (const statement of (document as { Statement: Statement[] }).Statement) {
        out.push({ owner: id, type: resource.Type, roles, statement });
      }
    }
  }
  return out;
}

/** [registry name, logical id] of each function. */
function functionsByName(template: Template): [string, string][] {
  return resourcesOf(template, 'AWS::Lambda::Function').map(([id, fn]) => [
    String(fn.Properties.FunctionName).replace(/^camera-dpia-/, ''),
    id,
  ]);
}

/** [registry name, role logical id] of each function. */
function functionRoles(template: Template): [string, string][] {
  return resourcesOf(template, 'AWS::Lambda::Function').map(([, fn]) => [
    String(fn.Properties.FunctionName).replace(/^camera-dpia-/, ''),
    (fn.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0],
  ]);
}

/** The directory of a function's bundled code asset in the cloud assembly. */
function assetDirOf(functionName: string): string {
  const [, fn] = only(
    resourcesOf(stateless, 'AWS::Lambda::Function').filter(
      ([, f]) => f.Properties.FunctionName === functionName,
    ),
    functionName,
  );
  const key = String((fn.Properties.Code as { S3Key: string }).S3Key).replace(/\.zip$/, '');
  return join(synth.assembly.directory, `asset.${key}`);
}

/**
 * The state machine named `name`, checked to be deployed as the ASL file says, with the file's text
 * and the ARNs its placeholders are filled with.
 */
function deployedFromFile(definitionFile: string, name: string) {
  const file = readFileSync(repoPath(definitionFile), 'utf8');
  const [, sm] = stateMachineNamed(stateless, name);
  expect(definitionOf(synth, sm)).toEqual(JSON.parse(file));
  const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string] }>;
  return { file, sm, substitutions };
}

/** The functions a state machine's policies (their construct ids start with `owner`) may invoke. */
function invokedBy(owner: string): unknown[] {
  return statementsOf(stateless)
    .filter((s) => s.owner.startsWith(owner))
    .flatMap(({ statement }) =>
      asList(statement.Action).includes('lambda:InvokeFunction') ? asList(statement.Resource) : [],
    );
}

/** The state machine's definition: the file asset DefinitionBody.fromFile uploads. */
function definitionOf(synthesized: Synthesized, sm: Resource): unknown {
  const key = (sm.Properties.DefinitionS3Location as { Key: string }).Key;
  return JSON.parse(readFileSync(join(synthesized.assembly.directory, `asset.${key}`), 'utf8'));
}
