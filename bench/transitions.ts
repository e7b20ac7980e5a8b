// Cost per lifecycle: Standard workflows are billed per state transition, so the transitions of
// one execution must not grow with its consultees. Two proposals, 10 and 500 consultees (quick:
// 10 and 50), run side by side through the same path: consultation closed at the deadline (a few
// seconds ahead, so no 500 replies are needed), approved through the review link, decision,
// outcome. Transitions are counted from GetExecutionHistory as AWS bills them: every
// `…StateEntered` event.
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { approve, benchProposal, openProposal } from './support/drive.js';
import { type BenchOptions, type BenchResult, check } from './support/result.js';
import { startBenchStack } from './support/stack.js';

/** Standard workflows: $0.025 per 1,000 state transitions (us-east-1, eu-west-2 list price). */
const USD_PER_TRANSITION = 0.025 / 1000;

export async function benchTransitions({ quick }: BenchOptions): Promise<BenchResult> {
  const sizes = [10, quick ? 50 : 500] as const;
  const b = await startBenchStack('transitions');
  try {
    // Long enough for 500 letters to go out before the deadline closes the consultation.
    const deadlineSeconds = quick ? 3 : 12;
    const inputs = sizes.map((n) => benchProposal({ consultees: n, tag: `t${n}`, deadlineSeconds }));
    const opened = await Promise.all(inputs.map((input) => openProposal(b, input)));
    await Promise.all(
      opened.map(async (o, i) => {
        await approve(b, o, (inputs[i] as (typeof inputs)[number]).approver.email);
        await b.executions.waitFor(o.proposalId);
      }),
    );
    const sfn = new SFNClient({});
    const counted = await Promise.all(
      opened.map(async (o) => {
        const events = await history(
          sfn,
          `${b.stack.stateMachineArn?.replace(':stateMachine:', ':execution:')}:${o.proposalId}`,
        );
        const entered = events.filter((e) => e.type?.endsWith('StateEntered'));
        return {
          events: events.length,
          transitions: entered.length,
          states: entered.map((e) => e.stateEnteredEventDetails?.name),
        };
      }),
    );
    const [few, many] = counted as [(typeof counted)[number], (typeof counted)[number]];
    const sameStates = JSON.stringify(few.states) === JSON.stringify(many.states);
    return {
      name: 'state transitions',
      figure: many.transitions,
      unit: `per execution (${sizes[1]})`,
      goal: `= at ${sizes[0]} consultees (${few.transitions})`,
      pass: many.transitions === few.transitions,
      detail:
        `${sizes[0]} consultees ${few.transitions} transitions (${few.events} events), ${sizes[1]} consultees ` +
        `${many.transitions} (${many.events} events); $${(few.transitions * USD_PER_TRANSITION * 1000).toFixed(3)} per ` +
        `1,000 lifecycles; path ${few.states.join(' > ')}`,
      checks: [
        check(
          'both executions succeeded through the same states',
          sameStates,
          `${few.states.join(',')} | ${many.states.join(',')}`,
        ),
      ],
    };
  } finally {
    await b.close();
  }
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    events.push(...(out.events ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return events;
}
