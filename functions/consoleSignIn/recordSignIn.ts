import type { PostAuthenticationTriggerEvent } from "aws-lambda";
import type { OperatorDirectoryWriter } from "../../shared/ports/operatorDirectory.ts";
import type { FunctionLog } from "../commons/functionPorts.ts";

export interface RecordSignInDependencies {
  readonly directory: OperatorDirectoryWriter;
  readonly log: FunctionLog;
}

/**
 * The user pool's post-authentication trigger: each sign-in records the user's `sub` and e-mail in
 * the operator directory, where the operator API finds the person behind a console call. A failed
 * write is logged, not thrown: Cognito would refuse the sign-in, and an operator locked out at
 * 3 a.m. costs more than an action recorded as `cognito:<sub>` (still one person, in the user pool).
 */
export function createRecordSignIn(deps: RecordSignInDependencies) {
  return async (event: PostAuthenticationTriggerEvent): Promise<PostAuthenticationTriggerEvent> => {
    const attributes = event.request.userAttributes;
    const sub = attributes.sub;
    const name = attributes.email ?? event.userName;
    if (sub === undefined || name === undefined) {
      deps.log.error("sign-in without a sub or e-mail; not recorded", { userName: event.userName });
      return event;
    }
    try {
      await deps.directory.record({ sub, name });
    } catch (error) {
      deps.log.error("could not record the console user; their actions are recorded by sub", { sub, error });
    }
    return event;
  };
}
