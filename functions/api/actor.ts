import type { OperatorDirectory } from "../../shared/ports/operatorDirectory.ts";
import type { ApiLog } from "./dependencies.ts";
import type { ApiEvent } from "./http.ts";

/** Who acted: the person for a console user, the IAM principal for anyone else. */
export type ActorResolver = (event: ApiEvent) => Promise<string>;

interface CognitoIdentityContext {
  readonly amr?: readonly string[];
}

/**
 * The user pool `sub` of a console caller. With identity pool credentials API Gateway reports the
 * authentication methods, the last of which is `cognito-idp.<region>.amazonaws.com/<pool>:CognitoSignIn:<sub>`;
 * the identity pool trusts only the stack's user pool, so a sign-in there is one of ours.
 */
export function consoleUserSubOf(event: ApiEvent): string | undefined {
  // @types/aws-lambda types this as always null; API Gateway fills it for identity pool credentials.
  const identity = event.requestContext?.authorizer?.iam?.cognitoIdentity as CognitoIdentityContext | null;
  const methods = identity?.amr ?? [];
  for (const method of methods) {
    const match = /:CognitoSignIn:([0-9a-f-]{36})$/i.exec(method);
    if (match?.[1]) return match[1].toLowerCase();
  }
  return undefined;
}

/** The IAM principal API Gateway authorised (the local server sets one too). */
function principalOf(event: ApiEvent): string {
  const iam = event.requestContext?.authorizer?.iam;
  return iam?.userArn || iam?.callerId || "unknown";
}

/**
 * The recorded actor of an action. A console user's credentials are a role session shared by the
 * whole group (`assumed-role/...-ConsoleOperator/CognitoIdentityCredentials`), so the person comes
 * from the directory the sign-in trigger keeps; `cognito:<sub>` when it has no entry or cannot be
 * read (still one person, traceable in the user pool), never the shared role.
 */
export function createActorResolver(directory: OperatorDirectory | undefined, log?: ApiLog): ActorResolver {
  return async (event) => {
    const sub = consoleUserSubOf(event);
    if (sub === undefined) return principalOf(event);
    try {
      const name = await directory?.nameOf(sub);
      if (name !== undefined) return name;
      log?.warn("console user not in the operator directory; recorded by sub", { sub });
    } catch (error) {
      // Naming the actor must not fail the acknowledgement itself: the sub is the person too.
      log?.warn("operator directory lookup failed; recorded by sub", { sub, error });
    }
    return `cognito:${sub}`;
  };
}
