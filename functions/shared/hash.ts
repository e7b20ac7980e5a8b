// SHA-256 in lower-case hex: how reply tokens and Message-IDs are kept in keys.
import { createHash } from 'node:crypto';

export const sha256hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
