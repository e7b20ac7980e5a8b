// SES both ways. Out: the sending domain identity (DKIM) with a configuration set every message
// goes through. In: a receipt rule set for the inbound domain whose one rule stores the message
// under inbound/<SES message id> in the raw-mail bucket, then hands the receipt event to
// inbound-mail (the same event the local SMTP server produces).
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sesActions from 'aws-cdk-lib/aws-ses-actions';
import { Construct } from 'constructs';
import { DEFAULTS } from '../../functions/shared/config.js';
import { type DeploymentConfig, isAtOrUnder } from '../config.js';
import { NAMES } from '../names.js';

export interface MailProps {
  config: DeploymentConfig;
  rawMailBucket: s3.Bucket;
  inboundMail: lambda.IFunction;
}

export class Mail extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly sendingIdentity: ses.EmailIdentity;
  readonly receiptRuleSet: ses.ReceiptRuleSet;

  constructor(scope: Construct, id: string, props: MailProps) {
    super(scope, id);
    const { config } = props;

    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      configurationSetName: NAMES.configurationSet,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
    });
    // The identity's default configuration set applies to every message sent from it, so the
    // handlers' SendEmail calls need not name it.
    this.sendingIdentity = new ses.EmailIdentity(this, 'SendingIdentity', {
      identity: ses.Identity.domain(config.sendingDomain),
      configurationSet: this.configurationSet,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
    });
    this.sendingIdentity.dkimRecords.forEach((record, i) => {
      new CfnOutput(this, `SendingDkimRecord${i + 1}`, {
        description: `CNAME to publish for ${config.sendingDomain} (DKIM)`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    // Receiving needs the domain verified too; a subdomain of the sending domain already is.
    if (!isAtOrUnder(config.inboundDomain, config.sendingDomain)) {
      const inbound = new ses.EmailIdentity(this, 'InboundIdentity', {
        identity: ses.Identity.domain(config.inboundDomain),
      });
      inbound.dkimRecords.forEach((record, i) => {
        new CfnOutput(this, `InboundDkimRecord${i + 1}`, {
          description: `CNAME to publish for ${config.inboundDomain} (domain verification)`,
          value: `${record.name} CNAME ${record.value}`,
        });
      });
    }

    // SES may invoke inbound-mail only from this rule (the CDK's own action checks the account alone).
    const stack = Stack.of(this);
    props.inboundMail.addPermission('AllowSes', {
      principal: new iam.ServicePrincipal('ses.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceAccount: stack.account,
      sourceArn: stack.formatArn({
        service: 'ses',
        resource: 'receipt-rule-set',
        resourceName: `${NAMES.receiptRuleSet}:receipt-rule/${NAMES.receiptRule}`,
      }),
    });
    this.receiptRuleSet = new ses.ReceiptRuleSet(this, 'Inbound', {
      receiptRuleSetName: NAMES.receiptRuleSet,
    });
    this.receiptRuleSet.addRule('Replies', {
      receiptRuleName: NAMES.receiptRule,
      recipients: [config.inboundDomain],
      enabled: true,
      scanEnabled: true,
      tlsPolicy: ses.TlsPolicy.REQUIRE,
      actions: [
        storeInBucket(props.rawMailBucket, DEFAULTS.rawMailPrefix),
        new sesActions.Lambda({
          function: props.inboundMail,
          invocationType: sesActions.LambdaInvocationType.EVENT,
        }),
      ],
    });

    new CfnOutput(this, 'InboundMx', {
      description: `MX record to publish for ${config.inboundDomain}`,
      value: `${config.inboundDomain} MX 10 inbound-smtp.${stack.region}.amazonaws.com`,
    });
    new CfnOutput(this, 'ReceiptRuleSetName', {
      description: 'Activate it: aws ses set-active-receipt-rule-set --rule-set-name <this>',
      value: NAMES.receiptRuleSet,
    });
  }
}

/**
 * The S3 action without aws-ses-actions' bucket-policy side effect: the stateful stack's bucket
 * policy already lets SES write there, and only from this rule.
 */
const storeInBucket = (bucket: s3.Bucket, objectKeyPrefix: string): ses.IReceiptRuleAction => ({
  bind: () => ({ s3Action: { bucketName: bucket.bucketName, objectKeyPrefix } }),
});
