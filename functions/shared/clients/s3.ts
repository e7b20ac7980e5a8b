// One AWS SDK client, created once per Lambda container with default configuration: on AWS it
// reaches AWS; on the local stack the AWS_ENDPOINT_URL_* variables point it at a local endpoint.
// One module per client, so a function loads only the SDK packages it uses (cold start).
//
// Checksums only where S3 requires them: by default the SDK streams every PutObject body in
// aws-chunked encoding with a trailing CRC32, which was most of the main thread's socket time under
// the fan-out's evidence copies (about 0.5 MB an object). TLS and SigV4 still cover every request.
import { S3Client } from '@aws-sdk/client-s3';

export const s3 = new S3Client({
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
