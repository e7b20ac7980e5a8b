import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lifecycleDiagram, mermaidFromAsl } from '../../workflows/diagram.js';

describe('the README state diagram', () => {
  it('is the one generated from workflows/dpia-lifecycle.asl.json (run npm run diagram after changing it)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(['```mermaid', lifecycleDiagram(), '```'].join('\n'));
  });

  it('draws choices, catches and terminal states', () => {
    const text = mermaidFromAsl({
      StartAt: 'A',
      States: {
        A: { Type: 'Choice', Choices: [{ Next: 'B', StringEquals: 'x' }], Default: 'C' },
        B: { Type: 'Task', Next: 'C', Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'C' }] },
        C: { Type: 'Succeed' },
      },
    });
    expect(text).toContain('A{A}');
    expect(text).toContain('A -->|x| B');
    expect(text).toContain('A -->|otherwise| C');
    expect(text).toContain('B -.->|States.Timeout| C');
    expect(text).toContain('C([C])');
  });
});
