import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SignInSettings } from "../../../dashboard/src/auth/hostedSignIn.ts";
import { credentialsFor, IdentityPoolError } from "../../../dashboard/src/auth/identityPool.ts";
import { type LocalRequest, type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";

const SETTINGS: SignInSettings = {
  region: "eu-west-1",
  userPoolId: "eu-west-1_abc",
  userPoolClientId: "client-1",
  identityPoolId: "eu-west-1:11111111-2222-3333-4444-555555555555",
  signInUrl: "https://plantwatch.auth.eu-west-1.amazoncognito.com",
  redirectUri: "https://console.example/",
};
const PROVIDER = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc";
const IDENTITY = "eu-west-1:aaaaaaaa-0000-0000-0000-000000000001";

/** Cognito Identity's two unsigned operations, answering only the ID token it knows. */
describe("credentialsFor (Cognito Identity at the wire)", () => {
  let server: LocalServer;
  let requests: LocalRequest[];

  beforeEach(async () => {
    requests = [];
    server = await startLocalServer((request) => {
      requests.push(request);
      const body = JSON.parse(request.body.toString()) as { Logins?: Record<string, string> };
      if (body.Logins?.[PROVIDER] !== "id-1") {
        return {
          status: 400,
          body: JSON.stringify({ __type: "NotAuthorizedException", message: "Invalid login token." }),
        };
      }
      switch (request.headers["x-amz-target"]) {
        case "AWSCognitoIdentityService.GetId":
          return { status: 200, body: JSON.stringify({ IdentityId: IDENTITY }) };
        case "AWSCognitoIdentityService.GetCredentialsForIdentity":
          return {
            status: 200,
            body: JSON.stringify({
              IdentityId: IDENTITY,
              Credentials: {
                AccessKeyId: "ASIAOPERATOR",
                SecretKey: "secret",
                SessionToken: "session",
                Expiration: 1_800_000_000,
              },
            }),
          };
        default:
          return { status: 400, body: JSON.stringify({ __type: "UnknownOperationException" }) };
      }
    });
  });

  afterEach(() => server.stop());

  it("gets the identity, then the credentials of its role, with the ID token as the user pool's login", async () => {
    const credentials = await credentialsFor(SETTINGS, "id-1", fetch, `${server.endpoint}/`);

    expect(credentials).toEqual({
      accessKeyId: "ASIAOPERATOR",
      secretAccessKey: "secret",
      sessionToken: "session",
      expiration: new Date(1_800_000_000_000),
    });
    expect(
      requests.map((request) => ({
        target: request.headers["x-amz-target"],
        contentType: request.headers["content-type"],
        signed: request.headers.authorization !== undefined,
        body: JSON.parse(request.body.toString()),
      })),
    ).toEqual([
      {
        target: "AWSCognitoIdentityService.GetId",
        contentType: "application/x-amz-json-1.1",
        signed: false,
        body: { IdentityPoolId: SETTINGS.identityPoolId, Logins: { [PROVIDER]: "id-1" } },
      },
      {
        target: "AWSCognitoIdentityService.GetCredentialsForIdentity",
        contentType: "application/x-amz-json-1.1",
        signed: false,
        body: { IdentityId: IDENTITY, Logins: { [PROVIDER]: "id-1" } },
      },
    ]);
  });

  it("says why Cognito refused, by its error type", async () => {
    await expect(credentialsFor(SETTINGS, "expired", fetch, `${server.endpoint}/`)).rejects.toThrow(
      new IdentityPoolError("GetId: NotAuthorizedException: Invalid login token."),
    );
  });
});
