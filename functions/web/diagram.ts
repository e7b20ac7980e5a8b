// The lifecycle drawn for the proposal page: boxes and arrows laid out from the one ASL file, with
// the proposal's current and past states marked (from its status and timeline). The result is a
// view for templates/pages/_diagram.html, so the SVG is rendered (and escaped) by Mustache.
import aslDefinition from '../../workflows/dpia-lifecycle.asl.json' with { type: 'json' };
import type { ProposalStatus, TimelineEvent } from '../shared/store/proposals.js';

interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Choices?: { Next: string; StringEquals?: string }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
}
interface Asl {
  StartAt: string;
  States: Record<string, AslState>;
}

const BOX_W = 230;
const BOX_H = 38;
const ROW = 60;
const SIDE_X = 330;
const COL = [16, SIDE_X];
const TOP = 16;
const WIDTH = SIDE_X + BOX_W + 16;
const FAILURE_STATE = 'RecordFailure';

/** Which states a timeline event shows the lifecycle has passed through. */
const EVENT_STATES: Record<string, string[]> = {
  scored: ['ScorePressingNeed', 'IsNeedSufficient'],
  'consultation-mailed': ['SendConsultation'],
  'consultation-closed': ['AllMailed', 'CollectResponses', 'CloseConsultation', 'IsDpoNamed'],
  'approval-requested': ['RequestApproval'],
  'dpo-advice-requested': ['RequestDpoAdvice'],
  'dpo-no-response': ['RecordDpoSilence'],
  'approval-expired': ['MarkApprovalExpired'],
  decided: ['RecordDecision'],
  'outcome-mailed': ['NotifyOutcome', 'AllNotified', 'Done'],
};

/** The state a proposal in this status is in (null once the run was stopped by a withdrawal). */
function currentState(status: ProposalStatus, reached: Set<string>): string | null {
  switch (status) {
    case 'submitted':
    case 'scoring':
      return 'ScorePressingNeed';
    case 'consulting':
      return 'CollectResponses';
    case 'awaiting-dpo-advice':
      return 'RequestDpoAdvice';
    case 'awaiting-approval':
      return 'RequestApproval';
    case 'expired':
      return 'MarkApprovalExpired';
    case 'approved':
    case 'rejected':
      return reached.has('Done') ? 'Done' : 'NotifyOutcome';
    case 'failed':
      // The step it stopped at is in the timeline; the redrive resumes there (issue 15).
      return null;
    case 'withdrawn':
      return null;
  }
}

export interface DiagramBox {
  name: string;
  label: string;
  x: number;
  y: number;
  w: number;
  h: number;
  tx: number;
  ty: number;
  rx: number;
  className: string;
  marker: string;
}
export interface DiagramEdge {
  d: string;
  dashed: boolean;
  label: string | null;
  lx: number;
  ly: number;
}
export interface DiagramView {
  width: number;
  height: number;
  boxes: DiagramBox[];
  edges: DiagramEdge[];
  current: string | null;
  past: string[];
  summary: string;
}

export const humanize = (name: string): string => {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2');
  return words.charAt(0) + words.slice(1).toLowerCase();
};

/** The happy path from StartAt by Next and Default, then every other state beside it. */
function layout(asl: Asl): Map<string, { col: number; row: number }> {
  const at = new Map<string, { col: number; row: number }>();
  let name: string | undefined = asl.StartAt;
  let row = 0;
  while (name && !at.has(name)) {
    at.set(name, { col: 0, row: row++ });
    const state: AslState | undefined = asl.States[name];
    name = state?.Next ?? state?.Default;
  }
  const mainRows = row;
  const taken = new Set<number>();
  const place = (state: string, wanted: number) => {
    let r = wanted;
    while (taken.has(r)) r++;
    taken.add(r);
    at.set(state, { col: 1, row: r });
  };
  // Beside the state that leads there (not counting the catch-all failure path)...
  for (const [from, state] of Object.entries(asl.States)) {
    const targets = [
      ...(state.Choices ?? []).map((c) => c.Next),
      ...(state.Catch ?? []).filter((c) => !c.ErrorEquals.includes('States.ALL')).map((c) => c.Next),
    ];
    for (const target of targets) {
      const source = at.get(from);
      if (!at.has(target) && source) place(target, source.row);
    }
  }
  // ...and the failure path, with whatever follows it, at the bottom.
  let failure: string | undefined = FAILURE_STATE in asl.States ? FAILURE_STATE : undefined;
  let failureRow = Math.max(mainRows - 2, ...taken) + 1;
  while (failure && !at.has(failure)) {
    place(failure, failureRow++);
    failure = asl.States[failure]?.Next;
  }
  for (const other of Object.keys(asl.States)) if (!at.has(other)) place(other, mainRows);
  return at;
}

export function lifecycleDiagram(
  status: ProposalStatus,
  timeline: Pick<TimelineEvent, 'event'>[],
  band: string | null,
  asl: Asl = aslDefinition as Asl,
): DiagramView {
  const reached = new Set<string>();
  for (const { event } of timeline) for (const s of EVENT_STATES[event] ?? []) reached.add(s);
  if (band === 'insufficient' && reached.has('RecordDecision')) reached.add('RejectForInsufficientNeed');
  if (reached.has('RequestApproval') || reached.has('RecordDecision')) {
    for (const s of ['ScorePressingNeed', 'IsNeedSufficient']) reached.add(s);
  }
  if (band !== 'insufficient' && reached.has('RecordDecision')) {
    for (const s of [
      'SendConsultation',
      'AllMailed',
      'CollectResponses',
      'CloseConsultation',
      'IsDpoNamed',
      'RequestApproval',
    ])
      reached.add(s);
  }
  const current = currentState(status, reached);
  if (current) reached.delete(current);
  const past = Object.keys(asl.States).filter((s) => reached.has(s));

  const positions = layout(asl);
  const box = (name: string) => {
    const p = positions.get(name) ?? { col: 0, row: 0 };
    return { x: COL[p.col] ?? 0, y: TOP + p.row * ROW, row: p.row, col: p.col };
  };
  const boxes: DiagramBox[] = Object.entries(asl.States).map(([name, state]) => {
    const { x, y } = box(name);
    const isCurrent = name === current;
    const isPast = reached.has(name);
    return {
      name,
      label: humanize(name),
      x,
      y,
      w: BOX_W,
      h: BOX_H,
      tx: x + BOX_W / 2,
      ty: y + BOX_H / 2 + 5,
      rx: state.Type === 'Choice' ? 0 : state.Type === 'Succeed' || state.Type === 'Fail' ? BOX_H / 2 : 4,
      className: [isCurrent ? 'current' : isPast ? 'past' : 'future', state.Type === 'Choice' ? 'choice' : '']
        .join(' ')
        .trim(),
      marker: isCurrent ? 'now: ' : isPast ? '✓ ' : '',
    };
  });

  const edges: DiagramEdge[] = [];
  const seen = new Set<string>();
  const connect = (from: string, to: string, label: string | null, dashed: boolean) => {
    const key = `${from}>${to}`;
    if (seen.has(key) || !positions.has(to)) return;
    seen.add(key);
    const a = box(from);
    const b = box(to);
    let d: string;
    let lx: number;
    let ly: number;
    if (a.col === b.col && b.row === a.row + 1) {
      d = `M${a.x + BOX_W / 2},${a.y + BOX_H} V${b.y}`;
      lx = a.x + BOX_W / 2 + 6;
      ly = a.y + BOX_H + 14;
    } else if (a.col === 0 && b.col === 1) {
      const y = a.row === b.row ? a.y + BOX_H / 2 - 6 : a.y + BOX_H / 2;
      d = `M${a.x + BOX_W},${y} H${(a.x + BOX_W + b.x) / 2} V${b.y + BOX_H / 2 - (a.row === b.row ? 6 : 0)} H${b.x}`;
      lx = a.x + BOX_W + 6;
      ly = y - 6;
    } else if (a.col === 1 && b.col === 0) {
      const y = b.y + BOX_H / 2 + (a.row === b.row ? 6 : 0);
      d = `M${a.x},${a.y + BOX_H / 2 + (a.row === b.row ? 6 : 0)} H${(b.x + BOX_W + a.x) / 2 + 10} V${y} H${b.x + BOX_W}`;
      lx = b.x + BOX_W + 6;
      ly = y + 16;
    } else {
      d = `M${a.x + BOX_W / 2},${a.y + BOX_H} V${b.y}`;
      lx = a.x + BOX_W / 2 + 6;
      ly = (a.y + BOX_H + b.y) / 2;
    }
    edges.push({ d, dashed, label, lx, ly });
  };
  for (const [name, state] of Object.entries(asl.States)) {
    for (const c of state.Choices ?? []) connect(name, c.Next, c.StringEquals ?? null, false);
    if (state.Default) connect(name, state.Default, null, false);
    if (state.Next) connect(name, state.Next, null, false);
    for (const c of state.Catch ?? []) {
      if (c.ErrorEquals.includes('States.ALL')) continue;
      connect(
        name,
        c.Next,
        c.ErrorEquals.map((e) => e.replace(/^States\./, '').toLowerCase()).join(', '),
        true,
      );
    }
  }
  const failure = positions.get(FAILURE_STATE);
  if (failure) {
    const f = box(FAILURE_STATE);
    edges.push({
      d: `M${f.x + BOX_W / 2},${f.y - 22} V${f.y}`,
      dashed: true,
      label: 'any step that fails',
      lx: f.x + BOX_W / 2 + 6,
      ly: f.y - 10,
    });
  }
  const rows = Math.max(...[...positions.values()].map((p) => p.row)) + 1;
  const summary = current
    ? `Now at: ${humanize(current)}.${past.length ? ` Done: ${past.map(humanize).join(', ')}.` : ''}`
    : `Stopped (${status}).${past.length ? ` Done before that: ${past.map(humanize).join(', ')}.` : ''}`;
  return { width: WIDTH, height: TOP * 2 + rows * ROW, boxes, edges, current, past, summary };
}
