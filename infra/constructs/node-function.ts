// The one way camera-dpia deploys a handler (as Powertools does): Node.js 22 on arm64, an ES module
// bundle built by the local esbuild, minified with source maps, the AWS SDK v3 left to the runtime,
// JSON logs in its own log group with a retention, X-Ray tracing, and a role that starts empty.
import { dirname, join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DEFAULT_TIMEOUT_SECONDS,
  deployedFunctionName,
  type FunctionSpec,
} from '../../functions/registry.js';
import { repoPath } from '../paths.js';
import { CHROMIUM_PACKAGES, packageClosure } from './packages.js';

export interface NodeFunctionProps {
  spec: FunctionSpec;
  /** More can be added later with addEnvironment (the stateless stack does, once the API exists). */
  environment?: Record<string, string>;
  logRetention: logs.RetentionDays;
  /** Copies templates/ next to the bundled index.mjs, where functions/shared/templates.ts looks. */
  includeTemplates?: boolean;
  /** For a function invoked asynchronously: where an event goes after Lambda's retries. */
  deadLetterQueue?: sqs.IQueue;
}

/** The runtime every function uses; the assertion tests check it on each. */
export const NODE_RUNTIME = lambda.Runtime.NODEJS_22_X;

/**
 * A CommonJS dependency that calls `require` fails in an ES module, which has none: esbuild's shim
 * finds this one. No bundle needs it since mailparser went; it costs one line and keeps a future
 * dependency from failing only at cold start on AWS.
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Where a Chromium function finds @sparticuz/chromium's bin/ (Lambda unpacks the bundle in /var/task). */
export const CHROMIUM_BIN_ON_LAMBDA = '/var/task/chromium/bin';

/**
 * What a Chromium function's bundle gets beside index.mjs, all copied from node_modules (no npm
 * install at synth, so it stays offline): the package's brotli-packed x64 Chromium, fonts and
 * libraries in chromium/bin with its package.json (the launcher's extraction marker names the
 * version), and in node_modules/ the packages the bundle leaves out (CHROMIUM_PACKAGES:
 * playwright-core, which esbuild cannot bundle, and @sparticuz/chromium's code without its bin/)
 * with every package they depend on, so the runtime resolves them as it would after `npm ci`.
 */
const chromiumCopies = (inputDir: string, outputDir: string): string[] => [
  `mkdir -p "${outputDir}/chromium"`,
  `cp -R "${inputDir}/node_modules/@sparticuz/chromium/bin" "${outputDir}/chromium/bin"`,
  `cp "${inputDir}/node_modules/@sparticuz/chromium/package.json" "${outputDir}/chromium/package.json"`,
  ...packageClosure(repoPath(), CHROMIUM_PACKAGES).flatMap((dir) =>
    dir === join('node_modules', '@sparticuz', 'chromium')
      ? [
          `mkdir -p "${outputDir}/${dir}"`,
          `cp -R "${inputDir}/${dir}/build" "${inputDir}/${dir}/package.json" "${outputDir}/${dir}/"`,
        ]
      : [`mkdir -p "${outputDir}/${dirname(dir)}"`, `cp -R "${inputDir}/${dir}" "${outputDir}/${dir}"`],
  ),
];

export class NodeFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const functionName = deployedFunctionName(spec.name);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // No AWSLambdaBasicExecutionRole: it may write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: ${spec.description}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: spec.description,
      entry: repoPath(spec.entry),
      handler: 'handler',
      projectRoot: repoPath(),
      depsLockFilePath: repoPath('package-lock.json'),
      runtime: NODE_RUNTIME,
      // @sparticuz/chromium ships an x86_64 build only.
      architecture: spec.chromium ? lambda.Architecture.X86_64 : lambda.Architecture.ARM_64,
      memorySize: spec.memoryMB ?? 512,
      timeout: Duration.seconds(spec.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      // The handlers' logger filters by DPIA_LOG_LEVEL itself; Lambda must not drop its lines.
      applicationLogLevelV2: lambda.ApplicationLogLevel.DEBUG,
      systemLogLevelV2: lambda.SystemLogLevel.INFO,
      tracing: lambda.Tracing.ACTIVE,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 } : {}),
      environment: {
        ...props.environment,
        DPIA_LOG_LEVEL: 'info',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        // Non-ASCII text as UTF-8, not \uXXXX escapes (postal-mime's HTML entity table: 7 KiB less).
        charset: nodejs.Charset.UTF8,
        sourceMap: true,
        sourcesContent: false,
        externalModules: ['@aws-sdk/*', '@smithy/*', ...(spec.chromium ? CHROMIUM_PACKAGES : [])],
        forceDockerBundling: false,
        logLevel: nodejs.LogLevel.WARNING,
        ...(props.includeTemplates || spec.chromium
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => [
                  ...(props.includeTemplates
                    ? [`cp -R "${inputDir}/templates" "${outputDir}/templates"`]
                    : []),
                  ...(spec.chromium ? chromiumCopies(inputDir, outputDir) : []),
                ],
              },
            }
          : {}),
      },
    });

    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE) adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions: AWS requires Resource "*".',
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the project targets and tests on (package.json engines, the local stack); it moves to a newer LTS as one change across the project.',
    });
  }
}
