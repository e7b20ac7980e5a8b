// A reply as SES stored it (the receipt rule's S3 action), read back from the raw-mail bucket.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3 } from './clients/s3.js';
import { ENV } from './config.js';
import { requiredEnv } from './env.js';

export async function readRawMail(key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: requiredEnv(ENV.rawMailBucket), Key: key }));
  if (!out.Body) throw new Error(`The raw message ${key} has no body in the inbound-mail bucket`);
  return Buffer.from(await out.Body.transformToByteArray());
}
