// A state machine deployed from a definition file the local stack also runs: the lifecycle, and
// the reminder workflow beside it. Each `${<PascalName>FunctionArn}` placeholder is filled with the
// ARN of the registry function of that name, and the state machine may invoke exactly those.
import { readFileSync } from 'node:fs';
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { NAMES } from '../names.js';
import { repoPath } from '../paths.js';

export const LIFECYCLE_DEFINITION_FILE = 'workflows/dpia-lifecycle.asl.json';
export const REMINDER_DEFINITION_FILE = 'workflows/dpia-reminder.asl.json';

export interface LifecycleProps {
  /** Deployed functions by registry name. */
  functions: ReadonlyMap<string, lambda.IFunction>;
  logRetention: logs.RetentionDays;
  /** Defaults to the repository's lifecycle file; tests point it at an edited copy. */
  definitionFile?: string;
  /** Defaults to the lifecycle's fixed name (infra/names.ts). */
  stateMachineName?: string;
}

/** `send-consultation` → `SendConsultation`: the naming rule of the placeholders. */
export const pascalCase = (name: string): string =>
  name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/** The `${...}` placeholders a definition uses, in order of first use. */
export const placeholdersOf = (definition: string): string[] => [
  ...new Set([...definition.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string)),
];

export class Lifecycle extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: LifecycleProps) {
    super(scope, id);
    const file = props.definitionFile ?? repoPath(LIFECYCLE_DEFINITION_FILE);
    const stateMachineName = props.stateMachineName ?? NAMES.stateMachine;
    const byPlaceholder = new Map<string, lambda.IFunction>(
      [...props.functions].map(([name, fn]) => [`${pascalCase(name)}FunctionArn`, fn]),
    );
    const invoked: lambda.IFunction[] = [];
    const definitionSubstitutions: Record<string, string> = {};
    for (const placeholder of placeholdersOf(readFileSync(file, 'utf8'))) {
      const fn = byPlaceholder.get(placeholder);
      if (!fn) {
        throw new Error(`${file} uses \${${placeholder}}, which names no function in functions/registry.ts`);
      }
      definitionSubstitutions[placeholder] = fn.functionArn;
      invoked.push(fn);
    }

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${stateMachineName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(file),
      definitionSubstitutions,
      // Task payloads carry task tokens and proposal data: events are logged, their data is not.
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // The unqualified ARNs the definition names, and nothing else (no `:*` versions or aliases).
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: invoked.map((fn) => fn.functionArn),
      }),
    );

    const role = this.stateMachine.role;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by the CDK for logging and tracing: CloudWatch Logs vended delivery (logs:CreateLogDelivery, logs:PutResourcePolicy and the like) and X-Ray (xray:PutTraceSegments, xray:GetSamplingRules ...) accept only Resource "*".',
    });
  }

  /** The state machine's ARN, built from its fixed name (see infra/names.ts). */
  static arn(scope: Construct, stateMachineName: string = NAMES.stateMachine): string {
    return Stack.of(scope).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  /** Every execution of it: executions are named after proposal ids, unknown at deploy time. */
  static executionsArn(scope: Construct): string {
    return Stack.of(scope).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${NAMES.stateMachine}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }
}
