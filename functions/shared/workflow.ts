// The lifecycle's Step Functions execution: one per proposal, named after the proposal id, so
// starting it twice is the same call (StartExecution is idempotent by name and input).
import {
  GetExecutionHistoryCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { sfn } from './clients/sfn.js';
import { ENV } from './config.js';
import { requiredEnv } from './env.js';

export async function startLifecycle(proposalId: string): Promise<string> {
  const out = await sfn.send(
    new StartExecutionCommand({
      stateMachineArn: requiredEnv(ENV.stateMachineArn),
      name: proposalId,
      input: JSON.stringify({ proposalId }),
    }),
  );
  return out.executionArn ?? '';
}

/** Stops the execution; one that has already ended (or never started) is fine. */
export async function stopLifecycle(executionArn: string, cause: string): Promise<void> {
  try {
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause }));
  } catch (error) {
    if ((error as Error).name !== 'ExecutionDoesNotExist') throw error;
  }
}

/** Completes a waiting task; a task that has already closed (timed out, stopped) is fine. */
export async function completeTask(taskToken: string, output: unknown): Promise<boolean> {
  try {
    await sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return true;
  } catch (error) {
    if (['TaskDoesNotExist', 'TaskTimedOut', 'InvalidToken'].includes((error as Error).name)) return false;
    throw error;
  }
}

/** Continues a failed, timed-out or stopped execution at the step where it stopped (RedriveExecution). */
export async function redriveLifecycle(executionArn: string): Promise<void> {
  await sfn.send(new RedriveExecutionCommand({ executionArn }));
}

/**
 * The state a failed execution stopped at: the last state it entered (the failing one never exits).
 * Read from the newest events of its history, without their data.
 */
export async function failedStep(executionArn: string): Promise<string | null> {
  const out = await sfn.send(
    new GetExecutionHistoryCommand({
      executionArn,
      reverseOrder: true,
      maxResults: 50,
      includeExecutionData: false,
    }),
  );
  for (const event of out.events ?? []) {
    if (event.type?.endsWith('StateEntered')) return event.stateEnteredEventDetails?.name ?? null;
  }
  return null;
}
