// What must outlive a redeploy: the one DynamoDB table, the customer-managed key that encrypts it,
// the raw-mail and evidence buckets, and the review-link key. Everything here is retained when
// the stack is deleted; the stateless stack can be torn down and rebuilt around it at will.
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { ROLES } from '../functions/shared/auth.js';
import { DEFAULTS } from '../functions/shared/config.js';
import { tableDefinition } from '../functions/shared/table.js';
import type { DeploymentConfig } from './config.js';
import { NAMES } from './names.js';

export interface StatefulStackProps extends StackProps {
  config: DeploymentConfig;
}

export class StatefulStack extends Stack {
  readonly dataKey: kms.Key;
  readonly table: dynamodb.TableV2;
  readonly rawMailBucket: s3.Bucket;
  readonly evidenceBucket: s3.Bucket;
  readonly reviewLinkKey: secretsmanager.Secret;
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.dataKey = new kms.Key(this, 'DataKey', {
      alias: 'alias/camera-dpia-data',
      description: 'camera-dpia: encrypts the DPIA table and the evidence bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: tableDefinition.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableDefinition.sortKey, type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: tableDefinition.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      })),
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(this.dataKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Revoked web sessions (functions/web/session.ts) are deleted once they would have expired.
      timeToLiveAttribute: 'expiresAtEpoch',
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // S3 server access logs cannot be written to an SSE-KMS bucket, hence S3-managed keys here.
    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // SES writes received mail here with plain PutObject. S3-managed encryption, because the S3
    // action's own KMS option is client-side encryption that a plain GetObject cannot read.
    this.rawMailBucket = new s3.Bucket(this, 'RawMail', {
      ...dataBucketDefaults(accessLogs, 'raw-mail/', config.rawMailRetentionDays),
      encryption: s3.BucketEncryption.S3_MANAGED,
    });
    const receiptRuleArn = Stack.of(this).formatArn({
      service: 'ses',
      resource: 'receipt-rule-set',
      resourceName: `${NAMES.receiptRuleSet}:receipt-rule/${NAMES.receiptRule}`,
    });
    this.rawMailBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowSesReceiptRuleToStoreMail',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.rawMailBucket.arnForObjects(`${DEFAULTS.rawMailPrefix}*`)],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: { 'aws:SourceArn': receiptRuleArn },
        },
      }),
    );

    const evidenceDefaults = dataBucketDefaults(accessLogs, 'evidence/', config.evidenceRetentionDays);
    this.evidenceBucket = new s3.Bucket(this, 'Evidence', {
      ...evidenceDefaults,
      lifecycleRules: [
        ...(evidenceDefaults.lifecycleRules ?? []),
        // Bodies too big for a Lambda response live here for one presigned download (large-body.ts).
        {
          id: 'downloads',
          prefix: DEFAULTS.downloadsPrefix,
          expiration: Duration.days(1),
          noncurrentVersionExpiration: Duration.days(1),
        },
      ],
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
    });

    // The handler decodes the secret as base64 and wants >= 16 bytes (functions/review/link.ts).
    // 64 letters and digits are valid base64: they decode to 48 bytes carrying ~381 random bits.
    this.reviewLinkKey = new secretsmanager.Secret(this, 'ReviewLinkKey', {
      description: 'camera-dpia: HMAC key that signs approver review links (base64 text, 48 bytes)',
      generateSecretString: {
        passwordLength: 64,
        excludePunctuation: true,
        includeSpace: false,
        requireEachIncludedType: false,
      },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.reviewLinkKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotating the review-link key voids every review link still open (they live up to the approval timeout). It is rotated by hand between approvals (README "Deploying to AWS"); managers re-issue links after.',
    });

    // Managers and auditors sign in here; their group is the role the handlers check.
    this.userPool = new cognito.UserPool(this, 'Users', {
      userPoolName: 'camera-dpia',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLES) {
      this.userPool.addGroup(`Group-${role}`, {
        groupName: role,
        description: `camera-dpia ${role}s (the cognito:groups claim the handlers check)`,
      });
    }
    // The CLI and scripts: a public client (no secret), ID tokens carry cognito:groups and email.
    this.userPoolClient = this.userPool.addClient('Cli', {
      userPoolClientName: 'camera-dpia-cli',
      generateSecret: false,
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'RawMailBucketName', { value: this.rawMailBucket.bucketName });
    new CfnOutput(this, 'EvidenceBucketName', { value: this.evidenceBucket.bucketName });
  }
}

function dataBucketDefaults(accessLogs: s3.Bucket, logPrefix: string, retentionDays: number): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    versioned: true,
    // The CDK's interfaces and exactOptionalPropertyTypes disagree about optional members.
    serverAccessLogsBucket: accessLogs as s3.IBucket,
    serverAccessLogsPrefix: logPrefix,
    lifecycleRules: [
      {
        id: 'retention',
        expiration: Duration.days(retentionDays),
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  };
}
