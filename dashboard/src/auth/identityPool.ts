import type { SignInSettings } from "./hostedSignIn.ts";

/** Temporary AWS credentials of the operator's group role, from the identity pool. */
export interface ConsoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export class IdentityPoolError extends Error {
  override readonly name = "IdentityPoolError";
}

/**
 * Trades the user pool's ID token for credentials of the role its group maps to (the identity pool
 * resolves the role from the token's `cognito:preferred_role`). Two unsigned calls of Cognito
 * Identity's JSON protocol: the SDK client would triple the console's bundle for them.
 */
export async function credentialsFor(
  settings: SignInSettings,
  idToken: string,
  fetcher: typeof fetch = fetch,
  endpoint = `https://cognito-identity.${settings.region}.amazonaws.com/`,
): Promise<ConsoleCredentials> {
  const logins = { [`cognito-idp.${settings.region}.amazonaws.com/${settings.userPoolId}`]: idToken };
  const { IdentityId } = await call<{ IdentityId: string }>(
    "GetId",
    { IdentityPoolId: settings.identityPoolId, Logins: logins },
    fetcher,
    endpoint,
  );
  const { Credentials } = await call<{
    Credentials: { AccessKeyId: string; SecretKey: string; SessionToken: string; Expiration: number };
  }>("GetCredentialsForIdentity", { IdentityId, Logins: logins }, fetcher, endpoint);
  return {
    accessKeyId: Credentials.AccessKeyId,
    secretAccessKey: Credentials.SecretKey,
    sessionToken: Credentials.SessionToken,
    // Epoch seconds in Cognito Identity's JSON.
    expiration: new Date(Credentials.Expiration * 1000),
  };
}

async function call<T>(
  operation: string,
  input: unknown,
  fetcher: typeof fetch,
  endpoint: string,
): Promise<T> {
  const response = await fetcher(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityService.${operation}`,
    },
    body: JSON.stringify(input),
  });
  const body = (await response.json().catch(() => ({}))) as T & { __type?: string; message?: string };
  if (!response.ok) {
    const type = (body.__type ?? `HTTP ${response.status}`).split("#").pop();
    throw new IdentityPoolError(`${operation}: ${type}${body.message ? `: ${body.message}` : ""}`);
  }
  return body;
}
