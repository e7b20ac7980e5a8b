// Cost per lifecycle: Standard workflows are billed per state transition, so the transitions of
// one execution must not grow with its consultees. Two proposals, 10 and 500 consultees (quick:
// 10 and 50), run side by side through the same path: consultation closed at the deadline (a few
// seconds ahead, so no 500 replies are needed), approved through the review link, decision,
// outcome. Transitions are counted from GetExecutionHistory as AWS bills them: every
// `…StateEntered` event. The consultees' reminder (SPEC 10) runs beside each lifecycle in the
// reminder state machine, due shortly before the deadline: its transitions are counted too, and
// must not grow with the consultees either.
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { approve, benchProposal, openProposal } from './support/drive.js';
import { executionArnOf, executionHistory } from './support/execution-history.js';
import { type BenchOptions, type BenchResult, check } from './support/result.js';
import { startBenchStack } from './support/stack.js';

/** Standard workflows: $0.025 per 1,000 state transitions (us-east-1, eu-west-2 list price). */
const USD_PER_TRANSITION = 0.025 / 1000;

export async function benchTransitions({ quick }: BenchOptions): Promise<BenchResult> {
  const sizes = [10, quick ? 50 : 500] as const;
  const b = await startBenchStack('transitions');
  try {
    // Long enough for 500 letters to go out before the deadline closes the consultation.
    const deadlineSeconds = quick ? 8 : 12;
    // The reminder falls due at 90% of the way to the deadline: after the letters, before the close.
    const reminderHours = (deadlineSeconds * 0.1) / 3600;
    const inputs = sizes.map((n) => ({
      ...benchProposal({ consultees: n, tag: `t${n}`, deadlineSeconds }),
      reminderHours,
    }));
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
        const events = await executionHistory(sfn, executionArnOf(b.stack.stateMachineArn, o.proposalId));
        const entered = events.filter((e) => e.type?.endsWith('StateEntered'));
        return {
          events: events.length,
          transitions: entered.length,
          states: entered.map((e) => e.stateEnteredEventDetails?.name),
        };
      }),
    );
    const [few, many] = counted as [(typeof counted)[number], (typeof counted)[number]];
    const reminders = await Promise.all(
      opened.map((o) =>
        reminderTransitions(sfn, b.stack.reminderStateMachineArn, `${o.proposalId}-consultees`),
      ),
    );
    const reminderDetail = reminders.every((r) => r !== undefined)
      ? `; reminder workflow ${reminders.map((r) => r?.transitions).join(' and ')} transitions (${reminders[0]?.states.join(' > ')})`
      : '; reminder not scheduled (the letters took longer than the reminder period)';
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
        `1,000 lifecycles; path ${few.states.join(' > ')}${reminderDetail}`,
      checks: [
        check(
          'both executions succeeded through the same states',
          sameStates,
          `${few.states.join(',')} | ${many.states.join(',')}`,
        ),
        check(
          'a reminder costs the same transitions at both sizes',
          // Comparable only when both were due after their letters went (a loaded machine can
          // take the quick run's whole reminder period to mail 50): then they must cost the same.
          reminders.some((r) => r === undefined) || reminders[0]?.transitions === reminders[1]?.transitions,
          reminders.map((r) => r?.transitions ?? 'none').join(' | '),
        ),
      ],
      data: { reminderTransitions: reminders.map((r) => r?.transitions ?? null) },
    };
  } finally {
    await b.close();
  }
}

/** StateEntered events of a finished reminder execution; undefined when none was started. */
async function reminderTransitions(sfn: SFNClient, machineArn: string | null, name: string) {
  if (!machineArn) return undefined;
  const executionArn = executionArnOf(machineArn, name);
  for (;;) {
    let status: string | undefined;
    try {
      status = (await sfn.send(new DescribeExecutionCommand({ executionArn }))).status;
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return undefined;
      throw error;
    }
    if (status !== 'RUNNING') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const entered = (await executionHistory(sfn, executionArn)).filter((e) => e.type?.endsWith('StateEntered'));
  return { transitions: entered.length, states: entered.map((e) => e.stateEnteredEventDetails?.name) };
}
