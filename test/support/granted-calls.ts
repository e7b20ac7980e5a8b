// What a function's entry in infra/access.ts grants, flag by flag, as `service:Action` names: what
// access.test.ts holds the code to and stacks.test.ts holds the template's IAM policies to.
import type { FunctionAccess } from '../../infra/access.js';

/**
 * The AWS calls the entry grants, named as the SDK commands are (`s3:ListObjectsV2`, which IAM
 * allows as `s3:ListBucket`). Two flags may grant the same call: it is then listed twice.
 */
export function grantedCalls(access: FunctionAccess): string[] {
  return [
    ...access.table.map((action) => `dynamodb:${action}`),
    ...(access.workflow ?? []).map((action) => `states:${action}`),
    ...(access.schedulesReminders ? ['states:StartExecution'] : []),
    ...(access.sendsMail ? ['ses:SendEmail'] : []),
    ...(access.readsSendQuota ? ['ses:GetSendQuota'] : []),
    ...(access.readsRawMail || access.readsEvidence ? ['s3:GetObject'] : []),
    ...(access.readsEvidence ? ['s3:ListObjectsV2'] : []),
    ...(access.archivesMail ? ['s3:PutObject'] : []),
    // A presigned GET is signed with the function's own credentials: it needs s3:GetObject too.
    ...(access.servesLargeBodies ? ['s3:PutObject', 's3:GetObject'] : []),
    ...(access.readsReviewKey ? ['secretsmanager:GetSecretValue'] : []),
  ];
}
