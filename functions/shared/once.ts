// A value built on its first use and kept for the life of the process. For what is costly to build
// at a cold start and not needed on every path: the first Intl formatter of a process loads ICU's
// data (about 13 ms of CPU), which an import should not pay for a function that formats no date.
// Call it as `/* @__PURE__ */ once(...)` at module scope, so a bundle that never uses the value
// leaves it out.
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
