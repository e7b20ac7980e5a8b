// The EventBridge event Step Functions sends when an execution's status changes, and the statuses
// that mark a proposal failed (issue 15). The CDK rule and the local Step Functions service use
// these same values, so the mark-failed function gets the same event in both.
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
export const FAILURE_STATUSES = ['FAILED', 'TIMED_OUT'] as const;

export interface ExecutionStatusChange {
  version: '0';
  id: string;
  'detail-type': typeof EXECUTION_STATUS_CHANGE;
  source: 'aws.states';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: string;
    startDate: number;
    stopDate: number | null;
    input: string;
    output: string | null;
    error: string | null;
    cause: string | null;
  };
}
