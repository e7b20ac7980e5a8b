// The two kinds of error of the local Step Functions: the API's (answered to the caller) and an
// execution's (matched by the definition's Retry and Catch).

/** An error the API answers with `{"__type": type, "message"}` and HTTP 400. */
export class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A failure inside an execution: `name` is the ASL error name that Retry and Catch match. */
export class StatesError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}
