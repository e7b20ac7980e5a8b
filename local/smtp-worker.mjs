// The inbound SMTP server's thread (issue 17): receiving, storing in S3 and the pending marker run
// here, off the thread that runs the handlers; see smtp-thread.ts. The server is TypeScript with
// `.js` import specifiers, so the thread loads it through tsx, as bin/dpia.js loads the CLI (a
// thread gets no loader hooks registered on the thread that started it).
const { register } = await import('tsx/esm/api');
register();
await import('./smtp-thread.ts');
