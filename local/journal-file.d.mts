// Types of journal-file.mjs (plain JavaScript, shared with the S3 thread).
export declare function wholeLines(path: string): string[];
export declare function readMended(path: string): { lines: string[]; size: number };
export declare function mendedJsonLines(path: string): unknown[];
export declare function replaceFile(path: string, text: string): void;
