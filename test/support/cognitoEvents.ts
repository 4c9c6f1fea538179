import type { PostAuthenticationTriggerEvent } from "aws-lambda";
import type { CognitoIdentityContext } from "../../local/adapters/httpApiServer.ts";

export const TEST_USER_POOL_ID = "eu-west-1_AbCdEf";
const PROVIDER = `cognito-idp.eu-west-1.amazonaws.com/${TEST_USER_POOL_ID}`;

/** What Cognito hands the post-authentication trigger at a sign-in with these user attributes. */
export function postAuthenticationEvent(
  attributes: Readonly<Record<string, string>>,
  userName = attributes.sub ?? "user",
): PostAuthenticationTriggerEvent {
  return {
    version: "1",
    region: "eu-west-1",
    userPoolId: TEST_USER_POOL_ID,
    userName,
    callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "console-client" },
    triggerSource: "PostAuthentication_Authentication",
    request: { userAttributes: { ...attributes }, newDeviceUsed: false },
    response: {},
  };
}

/** What API Gateway reports for identity pool credentials of the user pool user `sub`. */
export function consoleCognitoIdentity(sub: string): CognitoIdentityContext {
  return {
    identityId: `eu-west-1:${sub}`,
    identityPoolId: "eu-west-1:pool",
    amr: ["authenticated", PROVIDER, `${PROVIDER}:CognitoSignIn:${sub}`],
  };
}
