// The monthly reviews digest: invoked by a scheduled EventBridge rule on AWS, and by
// `dpia reviews digest` on the local stack. The event carries nothing the handler needs.
import { sendReviewDigest } from './digest.js';

export const handler = async () => sendReviewDigest(new Date());
