// CloudWatch alarms that page someone by e-mail: a lifecycle that failed or timed out, a handler
// that errored or was throttled, inbound mail that could not be processed, and API 5xx answers.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deployedFunctionName } from '../../functions/registry.js';

export interface AlarmsProps {
  alarmEmail: string;
  functions: ReadonlyMap<string, lambda.IFunction>;
  stateMachine: sfn.IStateMachine;
  /** The reminder workflow: a failed reminder means someone was not reminded. */
  reminderStateMachine?: sfn.IStateMachine;
  inboundMailDeadLetters: sqs.IQueue;
  api: apigw.HttpApi;
}

const FIVE_MINUTES = Duration.minutes(5);

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'camera-dpia: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'camera-dpia alarms',
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    for (const [name, fn] of props.functions) {
      this.add(`${name}-errors`, {
        metric: fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        description: `${deployedFunctionName(name)} failed (errors in its log group).`,
      });
      this.add(`${name}-throttles`, {
        metric: fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        description: `${deployedFunctionName(name)} was throttled (account concurrency exhausted?).`,
      });
    }
    const sm = props.stateMachine;
    this.add('lifecycle-failed', {
      metric: sm.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
      description: 'A DPIA lifecycle execution failed: the proposal is marked failed; see its timeline.',
    });
    this.add('lifecycle-timed-out', {
      metric: sm.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }),
      description: 'A DPIA lifecycle execution timed out.',
    });
    this.add('lifecycle-throttled', {
      metric: sm.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }),
      description: 'Step Functions throttled the DPIA lifecycle.',
    });
    if (props.reminderStateMachine) {
      this.add('reminder-failed', {
        metric: props.reminderStateMachine.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }),
        description:
          'A reminder execution failed after retries: its consultees or approver may not have been reminded (the lifecycle is unaffected).',
      });
    }
    this.add('inbound-mail-dead-letters', {
      metric: props.inboundMailDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      description:
        'A consultee reply could not be processed after retries: its SES event is in the dead-letter queue, the raw message in the raw-mail bucket.',
    });
    this.add('api-5xx', {
      metric: props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      threshold: 5,
      description: 'The HTTP API answered 5xx five or more times in five minutes.',
    });
  }

  private add(id: string, options: { metric: cloudwatch.IMetric; description: string; threshold?: number }) {
    const alarm = new cloudwatch.Alarm(this, id, {
      alarmName: `camera-dpia-${id}`,
      alarmDescription: options.description,
      metric: options.metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
