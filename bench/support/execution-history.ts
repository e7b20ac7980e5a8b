// A Step Functions execution's whole history, read page by page as GetExecutionHistory gives it:
// for the transitions benchmark and the reliability suites that count what an execution did.
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from '@aws-sdk/client-sfn';

/** The ARN of the execution named `name` of the state machine `machineArn`. */
export const executionArnOf = (machineArn: string | null | undefined, name: string): string =>
  `${machineArn?.replace(':stateMachine:', ':execution:')}:${name}`;

/** Every event of the execution, oldest first. */
export async function executionHistory(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(out.events ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return events;
}
