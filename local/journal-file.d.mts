// Types of journal-file.mjs (plain JavaScript, shared with the S3 thread).
export declare function wholeLines(path: string): string[];
export declare function mendedLines(path: string): string[];
export declare function jsonLines(path: string): unknown[];
export declare function replaceFile(path: string, text: string): void;
