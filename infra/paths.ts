// Absolute paths into the repository, wherever the CDK CLI or a test runs the app from.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const repoPath = (...parts: string[]): string => join(ROOT, ...parts);
