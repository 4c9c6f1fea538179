import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, type FakeEndpoint, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson } from "./fakeEndpointProtocols.ts";

/** A user as the fake keeps it. */
export interface FakeCognitoUser {
  readonly username: string;
  readonly attributes: Record<string, string>;
  status: string;
  enabled: boolean;
  /** Epoch seconds, as Cognito answers dates in JSON. */
  readonly created: number;
  /** `UserMFASettingList`, e.g. `["SOFTWARE_TOKEN_MFA"]`. */
  mfa: string[];
  readonly groups: Set<string>;
}

export interface FakeCognito extends FakeEndpoint<{ operation: string; body: Record<string, unknown> }> {
  readonly userPoolId: string;
  readonly users: Map<string, FakeCognitoUser>;
  /** Adds a user as if invited earlier, in `groups`. */
  seed(user: { email: string; groups?: readonly string[]; status?: string; mfa?: string[] }): void;
  /** Operations called, in order. */
  operations(): string[];
}

/**
 * The request fields each operation takes, as the SDK sends them: a field outside these (a
 * `TemporaryPassword`, say) is refused, so the tests see any request that is not exactly the one meant.
 */
const FIELDS: Readonly<Record<string, readonly string[]>> = {
  AdminCreateUser: ["UserPoolId", "Username", "UserAttributes", "DesiredDeliveryMediums", "MessageAction"],
  AdminAddUserToGroup: ["UserPoolId", "Username", "GroupName"],
  AdminRemoveUserFromGroup: ["UserPoolId", "Username", "GroupName"],
  AdminListGroupsForUser: ["UserPoolId", "Username", "NextToken", "Limit"],
  AdminGetUser: ["UserPoolId", "Username"],
  AdminDeleteUser: ["UserPoolId", "Username"],
  ListUsers: ["UserPoolId", "PaginationToken", "Limit"],
  ListUsersInGroup: ["UserPoolId", "GroupName", "NextToken", "Limit"],
};

const GROUPS = ["viewer", "operator", "admin"];

/**
 * A local Cognito user pool endpoint (AWS JSON 1.1, `AWSCognitoIdentityProviderService.`, SigV4
 * required) with one pool and the console's three groups, holding users in memory. Lists answer
 * `pageSize` items a page (Cognito's own default is 60), so pagination shows with a few users.
 */
export async function startFakeCognito(options: { readonly pageSize?: number } = {}): Promise<FakeCognito> {
  const userPoolId = "eu-west-1_C0ns0le42";
  const pageSize = options.pageSize ?? 2;
  const users = new Map<string, FakeCognitoUser>();
  let clock = Date.parse("2026-11-20T08:00:00Z") / 1000;

  const input = (call: FakeCall) => {
    const body = call.body as Record<string, unknown>;
    const extra = Object.keys(body).filter((key) => !(FIELDS[call.operation] ?? []).includes(key));
    if (extra.length > 0) {
      throw new FakeServiceError(400, "InvalidParameterException", `unexpected fields ${extra.join(", ")}`);
    }
    if (body.UserPoolId !== userPoolId) {
      throw new FakeServiceError(
        400,
        "ResourceNotFoundException",
        `User pool ${String(body.UserPoolId)} does not exist.`,
      );
    }
    return body;
  };
  /** By username or by the e-mail alias, as Cognito resolves `Username` in Admin calls. */
  const userOf = (body: Record<string, unknown>) => {
    const name = String(body.Username);
    const user =
      users.get(name) ?? [...users.values()].find((candidate) => candidate.attributes.email === name);
    if (user === undefined) throw new FakeServiceError(400, "UserNotFoundException", "User does not exist.");
    return user;
  };
  const groupOf = (body: Record<string, unknown>) => {
    const group = String(body.GroupName);
    if (!GROUPS.includes(group))
      throw new FakeServiceError(400, "ResourceNotFoundException", "Group not found.");
    return group;
  };
  const userType = (user: FakeCognitoUser) => ({
    Username: user.username,
    Attributes: Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value })),
    UserCreateDate: user.created,
    UserLastModifiedDate: user.created,
    Enabled: user.enabled,
    UserStatus: user.status,
  });
  /** One page of `items` from the token (an index), and the next token when more remain. */
  const page = <T>(items: readonly T[], token: unknown, limit: unknown) => {
    const start = token === undefined ? 0 : Number(token);
    const end = start + (typeof limit === "number" ? limit : pageSize);
    return { items: items.slice(start, end), next: end < items.length ? String(end) : undefined };
  };
  const create = (email: string, attributes: Record<string, string>, status = "FORCE_CHANGE_PASSWORD") => {
    clock += 3600;
    const user: FakeCognitoUser = {
      username: email,
      attributes,
      status,
      enabled: true,
      created: clock,
      mfa: [],
      groups: new Set(),
    };
    users.set(email, user);
    return user;
  };

  const endpoint = await startFakeEndpoint<{ operation: string; body: Record<string, unknown> }>({
    services: [
      {
        protocol: awsJson({ targetPrefix: "AWSCognitoIdentityProviderService.", version: "1.1" }),
        operations: {
          AdminCreateUser: (call) => {
            const body = input(call);
            const username = String(body.Username);
            if (body.MessageAction === "RESEND") {
              // As Cognito: only a user who has not yet set their own password can be invited again.
              const user = userOf(body);
              if (user.status !== "FORCE_CHANGE_PASSWORD") {
                throw new FakeServiceError(
                  400,
                  "UnsupportedUserStateException",
                  "Resend not possible. User status is not FORCE_CHANGE_PASSWORD.",
                );
              }
              return { User: userType(user) };
            }
            if (users.has(username)) {
              throw new FakeServiceError(400, "UsernameExistsException", "User account already exists");
            }
            const attributes = Object.fromEntries(
              ((body.UserAttributes ?? []) as { Name: string; Value: string }[]).map(({ Name, Value }) => [
                Name,
                Value,
              ]),
            );
            return { User: userType(create(username, attributes)) };
          },
          AdminAddUserToGroup: (call) => {
            const body = input(call);
            userOf(body).groups.add(groupOf(body));
            return {};
          },
          AdminRemoveUserFromGroup: (call) => {
            const body = input(call);
            userOf(body).groups.delete(groupOf(body));
            return {};
          },
          AdminListGroupsForUser: (call) => {
            const body = input(call);
            const { items, next } = page([...userOf(body).groups], body.NextToken, body.Limit);
            return {
              Groups: items.map((GroupName) => ({ GroupName, UserPoolId: userPoolId })),
              ...(next === undefined ? {} : { NextToken: next }),
            };
          },
          AdminGetUser: (call) => {
            const user = userOf(input(call));
            const { Attributes, ...rest } = userType(user);
            return {
              ...rest,
              UserAttributes: Attributes,
              ...(user.mfa.length === 0
                ? {}
                : { UserMFASettingList: user.mfa, PreferredMfaSetting: user.mfa[0] }),
            };
          },
          AdminDeleteUser: (call) => {
            users.delete(userOf(input(call)).username);
            return {};
          },
          ListUsers: (call) => {
            const body = input(call);
            const { items, next } = page([...users.values()], body.PaginationToken, body.Limit);
            return { Users: items.map(userType), ...(next === undefined ? {} : { PaginationToken: next }) };
          },
          ListUsersInGroup: (call) => {
            const body = input(call);
            const group = groupOf(body);
            const members = [...users.values()].filter((user) => user.groups.has(group));
            const { items, next } = page(members, body.NextToken, body.Limit);
            return { Users: items.map(userType), ...(next === undefined ? {} : { NextToken: next }) };
          },
        },
      },
    ],
    record: ({ call }) =>
      call === undefined
        ? undefined
        : { operation: call.operation, body: call.body as Record<string, unknown> },
  });

  return {
    ...endpoint,
    userPoolId,
    users,
    seed: ({ email, groups = [], status = "CONFIRMED", mfa = [] }) => {
      const user = create(email, { email, email_verified: "true" }, status);
      user.mfa = mfa;
      for (const group of groups) user.groups.add(group);
    },
    operations: () => endpoint.requests.map((request) => request.operation),
  };
}

/** A Cognito client for the fake, with the SDK's own retries (as the CLI has them). */
export function localCognitoClient(endpoint: string): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient({ ...TEST_CLIENT_CONFIG, endpoint });
}
