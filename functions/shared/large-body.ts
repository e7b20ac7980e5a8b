// Lambda answers at most 6 MB. A body bigger than that (a DPIA document of a large consultation, an
// evidence pack with hundreds of raw replies) is written to the evidence bucket under downloads/
// and answered with a 303 redirect to a presigned GET URL that lives five minutes. The choice is
// made by size alone, so the local stack (s3rver) takes the same path as AWS for the same body.
import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3 } from './clients/s3.js';
import { DEFAULTS, ENV } from './config.js';
import { requiredEnv } from './env.js';
import type { HttpResult } from './http.js';

/** Lambda's response payload quota. */
export const LAMBDA_RESPONSE_BYTES = 6 * 1024 * 1024;
/** Below the quota, with room for the headers and the JSON envelope around the body. */
export const INLINE_LIMIT_BYTES = LAMBDA_RESPONSE_BYTES - 64 * 1024;
export const DOWNLOAD_URL_SECONDS = 300;

export interface Download {
  body: Buffer;
  contentType: string;
  filename: string;
  /** `attachment` saves the file; `inline` shows it in the browser (the HTML document). */
  disposition: 'attachment' | 'inline';
  headers?: Record<string, string>;
}

/** The answer for a body: inline when it fits in a Lambda response, else a redirect to S3. */
export async function deliver(download: Download, limit = INLINE_LIMIT_BYTES): Promise<HttpResult> {
  const text = isText(download.contentType);
  // Binary bodies travel base64-encoded, a third larger.
  const size = text ? download.body.length : Math.ceil(download.body.length / 3) * 4;
  const disposition = `${download.disposition}; filename="${download.filename}"`;
  if (size <= limit) {
    return {
      statusCode: 200,
      headers: {
        'content-type': download.contentType,
        'content-disposition': disposition,
        'cache-control': 'no-store',
        ...download.headers,
      },
      body: text ? download.body.toString('utf8') : download.body.toString('base64'),
      isBase64Encoded: !text,
    };
  }
  const url = await stashForDownload(download, disposition);
  return {
    statusCode: 303,
    headers: { location: url, 'cache-control': 'no-store' },
    body: '',
  };
}

/** Writes the body under downloads/ and returns a short-lived URL that GETs it with the right headers. */
export async function stashForDownload(download: Download, disposition: string): Promise<string> {
  const Bucket = requiredEnv(ENV.evidenceBucket);
  const Key = `${DEFAULTS.downloadsPrefix}${randomUUID()}/${download.filename}`;
  await s3.send(
    new PutObjectCommand({ Bucket, Key, Body: download.body, ContentType: download.contentType }),
  );
  return getSignedUrl(
    s3,
    new GetObjectCommand({
      Bucket,
      Key,
      ResponseContentType: download.contentType,
      ResponseContentDisposition: disposition,
      ResponseCacheControl: 'no-store',
    }),
    { expiresIn: DOWNLOAD_URL_SECONDS },
  );
}

const isText = (contentType: string): boolean =>
  /^text\/|^application\/(json|xml)|charset=/i.test(contentType);
