// Types of s3-metadata-journal.mjs (plain JavaScript, as the S3 thread runs without the TypeScript loader).
export declare class MetadataJournal {
  constructor(path: string);
  get(bucket: string, key: string): Record<string, unknown> | undefined;
  set(bucket: string, key: string, metadata: Record<string, unknown>): void;
  delete(bucket: string, key: string): void;
  deleteBucket(bucket: string): void;
  close(): void;
}
