// Every Lambda function of camera-dpia: the CDK stack deploys this list and the local stack
// loads the same handler modules from it, so the two cannot drift.
export interface FunctionSpec {
  /** Short name; the deployed function is `camera-dpia-<name>`. */
  name: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  timeoutSeconds?: number;
}

export const FUNCTION_PREFIX = 'camera-dpia-';

export const functionRegistry: FunctionSpec[] = [];

export const deployedFunctionName = (name: string): string => `${FUNCTION_PREFIX}${name}`;
