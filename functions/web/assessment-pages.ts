// Issue 19 and 20 on the web: a manager completes an open proposal's assessment on a form (the
// 12 principles, risks with residual risk, alternatives, screening, regime, basis, data and
// recipients), and marks an approval's conditions done with evidence. Each calls the same use case
// as its JSON route; a refusal re-renders the form with every error and changes nothing.
import { ASSESSMENT_OPEN, updateAssessment } from '../proposals/assessment.js';
import { markConditionDone } from '../proposals/conditions.js';
import { ConflictError, type FieldIssue, NotFoundError, ValidationError } from '../shared/errors.js';
import { pathParameter } from '../shared/http.js';
import { ConditionDoneInput } from '../shared/model/conditions.js';
import { AssessmentInput } from '../shared/model/proposal.js';
import { getProposal, STATUS_LABELS } from '../shared/store/proposals.js';
import {
  assessmentFieldLabel,
  assessmentFieldOf,
  assessmentFieldsView,
  assessmentFormFields,
  parseAssessmentForm,
} from './assessment-form.js';
import { layout, type PageRequest, page, readVerifiedForm, redirect, requireSession } from './page.js';
import { fieldId } from './proposal-form.js';

const encode = (id: string) => encodeURIComponent(id);

/** GET /app/proposals/{id}/assessment */
export async function assessmentPage(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const proposal = await editable(pathParameter(request.event, 'id'));
  const form = new URLSearchParams();
  assessmentFormFields(proposal.input, form);
  return page(200, 'app-assessment', { ...layout(signedIn, ''), ...view(proposal, form, [], []) });
}

/** POST /app/proposals/{id}/assessment */
export async function assessmentFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const proposal = await editable(pathParameter(request.event, 'id'));
  const parsed = parseAssessmentForm(form);
  if (form.get('action') === 'add-risk') {
    form.set('riskRows', String(Number(form.get('riskRows') || 3) + 1));
    return page(200, 'app-assessment', {
      ...layout(signedIn, ''),
      ...view(proposal, form, [], parsed.riskSources),
    });
  }
  const checked = AssessmentInput.safeParse(parsed.raw);
  if (!checked.success) {
    const issues = ValidationError.fromZod(checked.error).issues;
    return page(400, 'app-assessment', {
      ...layout(signedIn, ''),
      ...view(proposal, form, issues, parsed.riskSources),
    });
  }
  await updateAssessment(proposal.proposalId, checked.data, signedIn.session.sub, request.now);
  return redirect(`/app/proposals/${encode(proposal.proposalId)}#assessment`);
}

/** POST /app/proposals/{id}/conditions/{n}/done */
export async function conditionDoneFromForm(request: PageRequest) {
  const signedIn = await requireSession(request, ['manager']);
  const form = await readVerifiedForm(signedIn);
  const id = pathParameter(request.event, 'id');
  const n = Number(pathParameter(request.event, 'n'));
  if (!Number.isInteger(n) || n < 1) throw new NotFoundError('There is no such condition.');
  const parsed = ConditionDoneInput.safeParse({ evidence: form.get('evidence') ?? '' });
  if (!parsed.success) {
    throw new ValidationError(
      parsed.error.issues.map((i) => ({
        path: 'evidence',
        message: `Evidence for condition ${n}: ${i.message}`,
      })),
    );
  }
  await markConditionDone(id, n, parsed.data.evidence, signedIn.session.sub, request.now);
  return redirect(`/app/proposals/${encode(id)}#conditions`);
}

async function editable(proposalId: string) {
  const proposal = await getProposal(proposalId);
  if (!ASSESSMENT_OPEN.includes(proposal.status)) {
    throw new ConflictError(
      `${proposal.reference} is ${STATUS_LABELS[proposal.status].toLowerCase()}: its assessment can only change before the decision.`,
    );
  }
  return proposal;
}

function view(
  proposal: Awaited<ReturnType<typeof getProposal>>,
  form: URLSearchParams,
  issues: FieldIssue[],
  riskSources: number[],
) {
  const errors = issues.map((issue) => {
    const { field, prefix } = assessmentFieldOf(issue.path, riskSources) ?? { field: issue.path, prefix: '' };
    const message = `${prefix}${issue.message}`;
    return {
      field,
      id: fieldId(field),
      message,
      summary: `${assessmentFieldLabel(field) ?? field}: ${message}`,
    };
  });
  const input = (name: string, fallback = '') => {
    const messages = errors.filter((e) => e.field === name).map((e) => e.message);
    return {
      name,
      id: fieldId(name),
      value: form.has(name) ? (form.get(name) ?? '') : fallback,
      errors: messages,
      invalid: messages.length > 0,
      errorId: `${fieldId(name)}-error`,
    };
  };
  return {
    reference: proposal.reference,
    title: proposal.input.title,
    status: STATUS_LABELS[proposal.status],
    action: `/app/proposals/${encode(proposal.proposalId)}/assessment`,
    back: `/app/proposals/${encode(proposal.proposalId)}`,
    hasErrors: errors.length > 0,
    errorCount: errors.length,
    errorSubject: 'assessment',
    errors,
    ...assessmentFieldsView(form, input),
  };
}
