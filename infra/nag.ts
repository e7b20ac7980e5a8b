// cdk-nag names an IAM5 finding after the wildcard resource as it appears in the template; this
// builds that name from the ARN the code granted, so an acknowledgment is for exactly that grant.
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The way cdk-nag flattens a CloudFormation value into a finding name (its flattenCfnReference). */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const value = node as Record<string, unknown>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(flatten).join(delimiter);
  }
  if (value['Fn::Sub']) return flatten(value['Fn::Sub']);
  if (value['Fn::GetAtt']) {
    const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
    return `<${flatten(resource)}.${flatten(attribute)}>`;
  }
  if (value['Fn::ImportValue']) return flatten(value['Fn::ImportValue']);
  if (value.Ref) return `<${flatten(value.Ref)}>`;
  return JSON.stringify(node);
}

/** Acknowledges the AwsSolutions-IAM5 finding for one wildcard resource granted to `construct`. */
export function acknowledgeWildcardResource(
  construct: IConstruct,
  resourceArn: string,
  reason: string,
): void {
  const resource = flatten(Stack.of(construct).resolve(resourceArn));
  Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}
