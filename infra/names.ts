// Physical names fixed at synth time. The state machine's ARN is built from its name so that the
// functions it calls can hold it in their environment and IAM without a reference cycle; the SES
// rule's ARN is built the same way so the raw-mail bucket's policy can name it.
import { DEFAULTS } from '../functions/shared/config.js';

export const NAMES = {
  stateMachine: DEFAULTS.stateMachineName,
  reminderStateMachine: DEFAULTS.reminderStateMachineName,
  receiptRuleSet: 'camera-dpia-inbound',
  receiptRule: 'camera-dpia-replies',
  configurationSet: 'camera-dpia',
} as const;
