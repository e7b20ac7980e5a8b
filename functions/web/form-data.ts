// A page's form post as fields: URL-encoded, or multipart/form-data when the form carries a file
// (the consultee CSV upload on the new-proposal form). Multipart is read by the runtime's own
// WHATWG FormData parser (undici, in Node.js), and an uploaded file becomes the text of its field,
// so every form handler keeps reading URLSearchParams.

import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../shared/errors.js';
import { type HttpEvent, header, MAX_BODY_BYTES, parseFormPost } from '../shared/http.js';
import { decodeUpload } from './consultee-import.js';

const MULTIPART = /^multipart\/form-data\b/i;

export async function readFormFields(event: HttpEvent, from: string): Promise<URLSearchParams> {
  const type = header(event, 'content-type') ?? '';
  if (!MULTIPART.test(type)) return parseFormPost(event, from);
  // API Gateway base64-encodes a multipart body; the bytes matter (a file need not be UTF-8).
  const bytes = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
  if (bytes.byteLength > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(`The form is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
  let data: FormData;
  try {
    data = await new Request('http://form.invalid/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: bytes,
    }).formData();
  } catch {
    throw new UnsupportedMediaTypeError(`This form could not be read. Send it again from ${from}.`);
  }
  const fields = new URLSearchParams();
  for (const [name, value] of data) {
    if (typeof value === 'string') fields.append(name, value);
    else if (value.size > 0) fields.append(name, decodeUpload(new Uint8Array(await value.arrayBuffer())));
  }
  return fields;
}
