import { type CfnElement, Stack } from "aws-cdk-lib";
import type { Template } from "aws-cdk-lib/assertions";
import type { IConstruct } from "constructs";

/** Renders Fn::Join / Ref / Fn::GetAtt as a readable string: `arn:<AWS::Partition>:iot:...`, `<Bucket.Arn>`. */
export function render(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node["Fn::Join"])) {
      const [separator, parts] = node["Fn::Join"] as [string, unknown[]];
      return parts.map(render).join(separator);
    }
    if (typeof node.Ref === "string") return `<${node.Ref}>`;
    if (Array.isArray(node["Fn::GetAtt"])) return `<${(node["Fn::GetAtt"] as string[]).join(".")}>`;
  }
  return JSON.stringify(value);
}

export interface TemplateResource {
  // biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are untyped JSON
  readonly Properties: any;
  readonly DependsOn?: string[];
}

/** One resource of the template by type and logical id (fails if absent). */
export function resource(template: Template, type: string, logicalId: string): TemplateResource {
  const found = template.findResources(type)[logicalId];
  if (!found) throw new Error(`no ${type} ${logicalId} in the template`);
  return found as TemplateResource;
}

/** The only resource of a type (fails if there is not exactly one). */
export function onlyResource(template: Template, type: string): TemplateResource {
  return resource(template, type, onlyLogicalId(template, type));
}

/** The logical id of the only resource of a type (fails if there is not exactly one). */
export function onlyLogicalId(template: Template, type: string): string {
  return onlyLogicalIdWhere(template, type);
}

/** The logical id of the only resource of a type whose properties match (fails otherwise). */
export function onlyLogicalIdWhere(template: Template, type: string, properties?: unknown): string {
  const ids = Object.keys(template.findResources(type, properties ? { Properties: properties } : undefined));
  if (ids.length !== 1) throw new Error(`expected exactly one matching ${type}, found ${ids.length}`);
  return ids[0] as string;
}

export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

export function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

interface IdentityStatement {
  /** Logical ids of the roles the statement applies to. */
  readonly roles: readonly string[];
  readonly statement: Statement;
}

/** Every statement of every identity policy in the template (policies and roles' inline policies). */
export function identityStatements(template: Template): IdentityStatement[] {
  const fromPolicies = Object.values({
    ...template.findResources("AWS::IAM::Policy"),
    ...template.findResources("AWS::IAM::ManagedPolicy"),
  }).flatMap((resource) => {
    const roles = ((resource.Properties.Roles ?? []) as { Ref: string }[]).map((role) => role.Ref);
    return (resource.Properties.PolicyDocument.Statement as Statement[]).map((statement) => ({
      roles,
      statement,
    }));
  });
  const inline = Object.entries(template.findResources("AWS::IAM::Role")).flatMap(([roleId, resource]) =>
    ((resource.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
      (policy) => policy.PolicyDocument.Statement.map((statement) => ({ roles: [roleId], statement })),
    ),
  );
  return [...fromPolicies, ...inline];
}

/** The statements granted to one role, in template order. */
export function roleStatements(template: Template, roleId: string): Statement[] {
  return identityStatements(template)
    .filter(({ roles }) => roles.includes(roleId))
    .map(({ statement }) => statement);
}

/** The logical id of a construct's CloudFormation resource (its default child, or itself). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}

/** Statements as comparable rows: every token rendered, single values as arrays. */
export function readable(statements: readonly Statement[]) {
  return statements.map((statement) => ({
    sid: statement.Sid,
    actions: asArray(statement.Action),
    resources: asArray(statement.Resource).map(render),
    ...(statement.Condition === undefined ? {} : { condition: renderDeep(statement.Condition) }),
  }));
}

/** Renders every Fn::Join / Ref / Fn::GetAtt inside a JSON value (conditions, for example). */
export function renderDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(renderDeep);
  if (typeof value === "object" && value !== null) {
    const keys = Object.keys(value);
    if (keys.length === 1 && ["Fn::Join", "Ref", "Fn::GetAtt"].includes(keys[0] as string))
      return render(value);
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, renderDeep(inner)]));
  }
  return value;
}
