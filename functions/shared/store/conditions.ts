// A conditional write that did not hold: the expected outcome of every "only once" write.
export const isConditionFailure = (error: unknown): boolean =>
  (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
