import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type UsersDependencies, usersCommand } from "../../../cli/commands/users.ts";
import { type CliRun, runCli, type TestTerminal } from "../../support/cliHarness.ts";
import { type FakeCognito, localCognitoClient, startFakeCognito } from "../../support/fakeCognito.ts";
import { type FakeDeployment, startFakeDeployment } from "../../support/fakeDeployment.ts";
import { FakeServiceError } from "../../support/fakeEndpoint.ts";

const CONSOLE_URL = "https://d111111abcdef8.cloudfront.net";

describe("plantwatch users", () => {
  let cognito: FakeCognito;
  /** The deployed stack, whose outputs name the user pool and the console. */
  let stack: FakeDeployment;

  beforeAll(async () => {
    stack = await startFakeDeployment({
      stackName: "plantwatch-dev",
      outputs: {},
      alarmActionSummary: undefined,
      subscriptions: [],
      ingest: () => ({ payload: null }),
      rules: {},
      queue: { visible: 0, inFlight: 0 },
    });
  });
  beforeEach(async () => {
    cognito = await startFakeCognito({ pageSize: 2 });
    stack.state.outputs = { ConsoleUserPoolId: cognito.userPoolId, ConsoleUrl: CONSOLE_URL };
    return () => cognito.stop();
  });
  afterAll(() => stack.stop());

  async function plantwatchUsers(args: readonly string[], terminal: TestTerminal = {}): Promise<CliRun> {
    const dependencies: UsersDependencies = {
      clients: () => ({
        cognito: localCognitoClient(cognito.endpoint),
        cloudFormation: stack.clients().cloudFormation,
      }),
    };
    return runCli((io) => usersCommand(io, dependencies), args, terminal);
  }

  const groupsOf = (email: string) => [...(cognito.users.get(email)?.groups ?? [])].sort();

  describe("add", () => {
    it("invites a new user by e-mail into the group and tells where they sign in", async () => {
      const { code, stdout, stderr } = await plantwatchUsers([
        "add",
        "Ana@Example.com",
        "--group",
        "operator",
      ]);

      expect(stderr).toBe("");
      expect(code).toBe(0);
      expect(cognito.requests[0]).toEqual({
        operation: "AdminCreateUser",
        body: {
          UserPoolId: cognito.userPoolId,
          Username: "ana@example.com",
          UserAttributes: [
            { Name: "email", Value: "ana@example.com" },
            { Name: "email_verified", Value: "true" },
          ],
          DesiredDeliveryMediums: ["EMAIL"],
        },
      });
      expect(cognito.operations()).toEqual([
        "AdminCreateUser",
        "AdminListGroupsForUser",
        "AdminAddUserToGroup",
      ]);
      expect(cognito.requests[2]?.body).toEqual({
        UserPoolId: cognito.userPoolId,
        Username: "ana@example.com",
        GroupName: "operator",
      });
      expect(groupsOf("ana@example.com")).toEqual(["operator"]);
      expect(stdout).toBe(
        "ana@example.com: invited as operator; Cognito e-mails them a temporary password, which they change at their first sign-in.\n" +
          `They sign in at ${CONSOLE_URL}\n`,
      );
      expect(stack.calls.at(-1)).toMatchObject({
        operation: "DescribeStacks",
        params: { StackName: "plantwatch-dev" },
      });
    });

    it("moves an existing user to the group, out of every other console group, without inviting again", async () => {
      cognito.seed({ email: "ben@example.com", groups: ["viewer", "admin"] });
      cognito.users.get("ben@example.com")?.groups.add("night-shift");

      const { code, stdout } = await plantwatchUsers([
        "add",
        "ben@example.com",
        "--group",
        "operator",
        "--json",
      ]);

      expect(code).toBe(0);
      expect(groupsOf("ben@example.com")).toEqual(["night-shift", "operator"]);
      expect(cognito.operations()).toEqual([
        "AdminCreateUser",
        "AdminCreateUser",
        "AdminListGroupsForUser",
        "AdminListGroupsForUser",
        "AdminRemoveUserFromGroup",
        "AdminRemoveUserFromGroup",
        "AdminAddUserToGroup",
      ]);
      expect(JSON.parse(stdout)).toEqual({
        email: "ben@example.com",
        group: "operator",
        invited: false,
        invitation: "none",
        previousGroups: ["viewer", "admin"],
        consoleUrl: CONSOLE_URL,
      });
    });

    it("says so when the user already is in the group, and changes nothing", async () => {
      cognito.seed({ email: "ben@example.com", groups: ["operator"] });

      const { code, stdout } = await plantwatchUsers(["add", "ben@example.com", "--group", "operator"]);

      expect(code).toBe(0);
      expect(stdout).toContain("ben@example.com: already a user; already in operator.\n");
      // The re-send Cognito refuses for a user who has signed in; nothing else is asked of it.
      expect(cognito.operations()).toEqual(["AdminCreateUser", "AdminCreateUser", "AdminListGroupsForUser"]);
      expect(cognito.users.get("ben@example.com")?.status).toBe("CONFIRMED");
    });

    it("invites again a user who never signed in (their temporary password lasts three days), keeping their group", async () => {
      cognito.seed({ email: "cem@example.com", groups: ["operator"], status: "FORCE_CHANGE_PASSWORD" });

      const { code, stdout } = await plantwatchUsers(["add", "cem@example.com", "--group", "operator"]);

      expect(code).toBe(0);
      expect(cognito.requests[1]).toEqual({
        operation: "AdminCreateUser",
        body: {
          UserPoolId: cognito.userPoolId,
          Username: "cem@example.com",
          MessageAction: "RESEND",
          DesiredDeliveryMediums: ["EMAIL"],
        },
      });
      expect(cognito.operations()).toEqual(["AdminCreateUser", "AdminCreateUser", "AdminListGroupsForUser"]);
      expect(stdout).toBe(
        "cem@example.com: has not signed in yet; invited again (Cognito e-mails a new temporary password, the earlier one no longer works); already in operator.\n" +
          `They sign in at ${CONSOLE_URL}\n`,
      );
    });

    it("reports a re-invitation in JSON, moving the user too", async () => {
      cognito.seed({ email: "cem@example.com", groups: ["viewer"], status: "FORCE_CHANGE_PASSWORD" });

      const { code, stdout } = await plantwatchUsers([
        "add",
        "cem@example.com",
        "--group",
        "admin",
        "--json",
      ]);

      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({
        invited: true,
        invitation: "again",
        previousGroups: ["viewer"],
      });
      expect(groupsOf("cem@example.com")).toEqual(["admin"]);
    });

    it.each([
      [["add", "ana@example.com", "--group", "supervisor"], /Allowed choices are viewer, operator, admin/],
      [["add", "ana@example.com"], /required option '--group <group>' not specified/],
      [["add", "ana.example.com", "--group", "viewer"], /expected an e-mail address/],
      [["add", "ana@example", "--group", "viewer"], /expected an e-mail address/],
      [["add", `${"a".repeat(120)}@example.com`, "--group", "viewer"], /at most 128 characters/],
      [["list", "--group", "root"], /Allowed choices are viewer, operator, admin/],
      [["remove", "not an address", "--yes"], /expected an e-mail address/],
    ])("refuses %j before any request (exit 1)", async (args, message) => {
      const describeStacksBefore = stack.calls.length;

      const { code, stderr } = await plantwatchUsers(args);

      expect(code).toBe(1);
      expect(stderr).toMatch(message);
      expect(cognito.requests).toEqual([]);
      expect(stack.calls.length).toBe(describeStacksBefore);
    });

    it("retries a throttled call as the SDK does, and succeeds", async () => {
      cognito.script(
        "AdminCreateUser",
        new FakeServiceError(400, "TooManyRequestsException", "Too many requests"),
        {
          times: 2,
        },
      );

      const { code } = await plantwatchUsers(["add", "ana@example.com", "--group", "viewer"]);

      expect(code).toBe(0);
      expect(cognito.operations().filter((operation) => operation === "AdminCreateUser")).toHaveLength(3);
      expect(groupsOf("ana@example.com")).toEqual(["viewer"]);
    });

    it("fails with exit 2 when throttling outlasts the SDK's retries", async () => {
      cognito.script(
        "AdminCreateUser",
        new FakeServiceError(400, "TooManyRequestsException", "Too many requests"),
        {
          times: Number.POSITIVE_INFINITY,
        },
      );

      const { code, stderr } = await plantwatchUsers(["add", "ana@example.com", "--group", "viewer"]);

      expect(code).toBe(2);
      expect(stderr).toBe("error: TooManyRequestsException: Too many requests\n");
      expect(cognito.users.size).toBe(0);
    });
  });

  describe("the user pool", () => {
    it("is an error (exit 2) when the stack has no ConsoleUserPoolId output", async () => {
      stack.state.outputs = {};

      const { code, stderr } = await plantwatchUsers(["add", "ana@example.com", "--group", "viewer"]);

      expect(code).toBe(2);
      expect(stderr).toBe(
        "error: stack plantwatch-dev has no output ConsoleUserPoolId: deploy a version with the hosted console (npx cdk deploy), or give --user-pool-id; nothing was changed\n",
      );
      expect(cognito.requests).toEqual([]);
    });

    it("is an error (exit 2) when the stack does not exist", async () => {
      const { code, stderr } = await plantwatchUsers(["list", "--stack", "plantwatch-nope"]);

      expect(code).toBe(2);
      expect(stderr).toMatch(/^error: stack plantwatch-nope does not exist in eu-west-1/);
      expect(cognito.requests).toEqual([]);
    });

    it("must be named with --user-pool-id against --endpoint (exit 1), which has no stack", async () => {
      const { code, stderr } = await plantwatchUsers(["list", "--endpoint", cognito.endpoint]);

      expect(code).toBe(1);
      expect(stderr).toBe("error: --endpoint needs --user-pool-id: a local endpoint has no stack outputs\n");
      expect(cognito.requests).toEqual([]);
    });

    it("can be named with --user-pool-id, without reading the stack", async () => {
      stack.state.outputs = {};
      const describeStacksBefore = stack.calls.length;

      const { code, stdout } = await plantwatchUsers([
        "add",
        "ana@example.com",
        "--group",
        "admin",
        "--user-pool-id",
        cognito.userPoolId,
      ]);

      expect(code).toBe(0);
      expect(stdout).toContain("They sign in at the console (stack output ConsoleUrl).\n");
      expect(stack.calls.length).toBe(describeStacksBefore);
    });
  });

  describe("list", () => {
    beforeEach(() => {
      cognito.seed({ email: "ana@example.com", groups: ["operator"], mfa: ["SOFTWARE_TOKEN_MFA"] });
      cognito.seed({ email: "ben@example.com", groups: ["viewer"], status: "FORCE_CHANGE_PASSWORD" });
      cognito.seed({ email: "cleo@example.com", groups: ["admin"], mfa: ["SMS_MFA", "SOFTWARE_TOKEN_MFA"] });
      cognito.seed({ email: "dan@example.com", groups: ["operator"] });
      cognito.seed({ email: "eve@example.com" });
      const dan = cognito.users.get("dan@example.com");
      if (dan) dan.enabled = false;
    });

    it("prints every user, page after page, with group, status, MFA, enabled and created", async () => {
      const { code, stdout } = await plantwatchUsers(["list"]);

      expect(code).toBe(0);
      expect(stdout).toBe(
        [
          "5 user(s)",
          "EMAIL             GROUP     STATUS                 MFA       ENABLED  CREATED",
          "ana@example.com   operator  CONFIRMED              TOTP      yes      2026-11-20T09:00:00Z",
          "ben@example.com   viewer    FORCE_CHANGE_PASSWORD  -         yes      2026-11-20T10:00:00Z",
          "cleo@example.com  admin     CONFIRMED              SMS,TOTP  yes      2026-11-20T11:00:00Z",
          "dan@example.com   operator  CONFIRMED              -         no       2026-11-20T12:00:00Z",
          "eve@example.com   (none)    CONFIRMED              -         yes      2026-11-20T13:00:00Z",
          "",
        ].join("\n"),
      );
      const listUsers = cognito.requests.filter((request) => request.operation === "ListUsers");
      expect(listUsers.map((request) => request.body)).toEqual([
        { UserPoolId: cognito.userPoolId },
        { UserPoolId: cognito.userPoolId, PaginationToken: "2" },
        { UserPoolId: cognito.userPoolId, PaginationToken: "4" },
      ]);
      const operatorPages = cognito.requests.filter(
        (request) => request.operation === "ListUsersInGroup" && request.body.GroupName === "operator",
      );
      expect(operatorPages.map((request) => request.body.NextToken)).toEqual([undefined]);
    });

    it("prints JSON for scripts", async () => {
      const { code, stdout } = await plantwatchUsers(["list", "--json"]);

      expect(code).toBe(0);
      const users = JSON.parse(stdout);
      expect(users).toHaveLength(5);
      expect(users[2]).toEqual({
        email: "cleo@example.com",
        groups: ["admin"],
        status: "CONFIRMED",
        mfa: ["SMS", "TOTP"],
        enabled: true,
        created: "2026-11-20T11:00:00.000Z",
      });
    });

    it("lists one group's members only, following its pages", async () => {
      cognito.seed({ email: "finn@example.com", groups: ["operator"] });

      const { code, stdout } = await plantwatchUsers(["list", "--group", "operator", "--json"]);

      expect(code).toBe(0);
      expect(JSON.parse(stdout).map((user: { email: string }) => user.email)).toEqual([
        "ana@example.com",
        "dan@example.com",
        "finn@example.com",
      ]);
      expect(cognito.operations()).not.toContain("ListUsers");
      expect(
        cognito.requests
          .filter((request) => request.operation === "ListUsersInGroup")
          .map((request) => request.body),
      ).toEqual([
        { UserPoolId: cognito.userPoolId, GroupName: "operator" },
        { UserPoolId: cognito.userPoolId, GroupName: "operator", NextToken: "2" },
      ]);
    });
  });

  describe("remove", () => {
    beforeEach(() => cognito.seed({ email: "ana@example.com", groups: ["operator"] }));

    it("deletes the user with --yes", async () => {
      const { code, stdout } = await plantwatchUsers(["remove", "ana@example.com", "--yes"]);

      expect(code).toBe(0);
      expect(stdout).toBe("ana@example.com: removed.\n");
      expect(cognito.requests).toEqual([
        {
          operation: "AdminDeleteUser",
          body: { UserPoolId: cognito.userPoolId, Username: "ana@example.com" },
        },
      ]);
      expect(cognito.users.has("ana@example.com")).toBe(false);
    });

    it("asks first on a terminal, and deletes on yes", async () => {
      const { code, questions } = await plantwatchUsers(["remove", "ana@example.com"], {
        interactive: true,
        answer: true,
      });

      expect(code).toBe(0);
      expect(questions).toEqual([`Remove ana@example.com from ${cognito.userPoolId}? [y/N] `]);
      expect(cognito.users.has("ana@example.com")).toBe(false);
    });

    it("keeps the user when the answer is no (exit 1)", async () => {
      const { code, stderr } = await plantwatchUsers(["remove", "ana@example.com"], {
        interactive: true,
        answer: false,
      });

      expect(code).toBe(1);
      expect(stderr).toBe("error: cancelled: nothing was changed\n");
      expect(cognito.requests).toEqual([]);
      expect(cognito.users.has("ana@example.com")).toBe(true);
    });

    it("refuses without --yes when no one can be asked (exit 1), before any request", async () => {
      const { code, stderr } = await plantwatchUsers(["remove", "ana@example.com"]);

      expect(code).toBe(1);
      expect(stderr).toBe("error: no terminal to confirm: pass --yes to remove the user without asking\n");
      expect(cognito.requests).toEqual([]);
    });

    it("says when there is no such user (exit 1)", async () => {
      const { code, stderr } = await plantwatchUsers(["remove", "zoe@example.com", "--yes"]);

      expect(code).toBe(1);
      expect(stderr).toBe(
        `error: zoe@example.com is not a user of ${cognito.userPoolId}; nothing was changed\n`,
      );
      expect(cognito.requests.map((request) => request.operation)).toEqual(["AdminDeleteUser"]);
    });
  });
});
