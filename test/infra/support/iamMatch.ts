import { asArray, render, type Statement } from "./cfn.ts";

/** IAM's resource matching: `*` is any run of characters (`/` included), `?` any one character. */
export function matchesResource(pattern: string, arn: string): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
  ).test(arn);
}

/** Whether an Allow statement among these lets `action` on `arn` (no Deny statements are expected). */
export function allowsAction(statements: readonly Statement[], action: string, arn: string): boolean {
  return statements.some(
    (statement) =>
      statement.Effect === "Allow" &&
      asArray(statement.Action).includes(action) &&
      asArray(statement.Resource).some((pattern) => matchesResource(render(pattern), arn)),
  );
}
