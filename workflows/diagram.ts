// Draws the state machine as a Mermaid flowchart straight from the ASL file, so the README's
// diagram is generated, never redrawn by hand (`npm run diagram`; a test keeps them equal).
import { readFileSync } from 'node:fs';

interface Rule {
  Variable?: string;
  StringEquals?: string;
  IsPresent?: boolean;
  BooleanEquals?: boolean;
  NumericGreaterThan?: number;
}

/** A choice rule as an edge label: `insufficient`, `dpoTimeoutSeconds set`, `not done`, `waitSeconds > 0`. */
function ruleLabel(rule: Rule): string {
  const field = rule.Variable?.split('.').pop();
  if (rule.StringEquals) return rule.StringEquals;
  if (!field) return '';
  if (rule.IsPresent) return `${field} set`;
  if (rule.BooleanEquals !== undefined) return `${rule.BooleanEquals ? '' : 'not '}${field}`;
  if (rule.NumericGreaterThan !== undefined) return `${field} > ${rule.NumericGreaterThan}`;
  return '';
}

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Choices?: (Rule & { Next: string; And?: Rule[] })[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

export function mermaidFromAsl(definition: { StartAt: string; States: Record<string, State> }): string {
  const lines = ['flowchart TD', `  Start(( )) --> ${definition.StartAt}`];
  for (const [name, state] of Object.entries(definition.States)) {
    const shape =
      state.Type === 'Choice'
        ? `${name}{${name}}`
        : state.Type === 'Succeed' || state.Type === 'Fail'
          ? `${name}([${name}])`
          : `${name}[${name}]`;
    lines.push(`  ${shape}`);
    for (const choice of state.Choices ?? []) {
      const text = choice.And ? choice.And.map(ruleLabel).join(' and ') : ruleLabel(choice);
      const label = text ? `|${text}|` : '';
      lines.push(`  ${name} -->${label} ${choice.Next}`);
    }
    if (state.Default) lines.push(`  ${name} -->|otherwise| ${state.Default}`);
    if (state.Next) lines.push(`  ${name} --> ${state.Next}`);
    for (const c of state.Catch ?? []) lines.push(`  ${name} -.->|${c.ErrorEquals.join(', ')}| ${c.Next}`);
  }
  // A step that still fails after its retries fails the execution there (issue 15): an EventBridge
  // rule marks the proposal failed, and a redrive resumes at that step.
  return lines.join('\n');
}

export function lifecycleDiagram(): string {
  const file = new URL('./dpia-lifecycle.asl.json', import.meta.url);
  return mermaidFromAsl(JSON.parse(readFileSync(file, 'utf8')));
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${lifecycleDiagram()}\n`);
