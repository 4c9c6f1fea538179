import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminRemoveUserFromGroupCommand,
  type CognitoIdentityProviderClient,
  paginateAdminListGroupsForUser,
  paginateListUsers,
  paginateListUsersInGroup,
  type UserType,
} from "@aws-sdk/client-cognito-identity-provider";
import type { OperatorAccessLevel } from "../../infra/constructs/OperatorAccessPolicies.ts";
import { settleEach } from "../../shared/concurrency.ts";

/**
 * The console's groups: the identity pool gives each the IAM role of the operator API access level
 * of the same name, so a user's group is what they may do.
 */
export const CONSOLE_GROUPS = [
  "viewer",
  "operator",
  "admin",
] as const satisfies readonly OperatorAccessLevel[];
export type ConsoleGroup = (typeof CONSOLE_GROUPS)[number];
// Compile-time: a new access level needs a group here too.
true satisfies OperatorAccessLevel extends ConsoleGroup ? true : false;

/** One user of the console, as `users list` shows it. */
export interface ConsoleUser {
  readonly email: string;
  /** Their console groups; one, unless someone changed them outside `users add`. */
  readonly groups: readonly ConsoleGroup[];
  /** Cognito's `UserStatus`: FORCE_CHANGE_PASSWORD until the first sign-in, then CONFIRMED. */
  readonly status: string;
  /** The MFA methods set up: TOTP, SMS, EMAIL; none is `[]`. */
  readonly mfa: readonly string[];
  readonly enabled: boolean;
  /** ISO 8601. */
  readonly created: string;
}

/**
 * What `invite` sent: a first invitation, a new one to a user who never signed in (the earlier
 * temporary password stops working), or none to a user who has signed in.
 */
export type Invitation = "new" | "again" | "none";

const MFA_NAMES: Readonly<Record<string, string>> = {
  SOFTWARE_TOKEN_MFA: "TOTP",
  SMS_MFA: "SMS",
  EMAIL_OTP: "EMAIL",
};

/** AdminGetUser calls at once: Cognito's per-account read quota is shared with every sign-in. */
const READ_CONCURRENCY = 4;

const isConsoleGroup = (name: string | undefined): name is ConsoleGroup =>
  CONSOLE_GROUPS.some((group) => group === name);

/**
 * The console's users in one Cognito user pool, named by e-mail (the pool takes an e-mail as the
 * username or as its alias alike, so the same calls serve either kind of pool).
 */
export class ConsoleUsers {
  constructor(
    private readonly cognito: CognitoIdentityProviderClient,
    readonly userPoolId: string,
  ) {}

  /**
   * Creates the user with a verified e-mail; Cognito mails the invitation with a temporary password
   * (never seen here). A user who has never signed in is invited again: the temporary password
   * lasts days only (the pool's `tempPasswordValidity`), and after that only a new one lets them in.
   * A user who has signed in is left as they are.
   */
  async invite(email: string): Promise<Invitation> {
    try {
      await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: "email", Value: email },
            { Name: "email_verified", Value: "true" },
          ],
          DesiredDeliveryMediums: ["EMAIL"],
        }),
      );
      return "new";
    } catch (error) {
      if ((error as Error).name !== "UsernameExistsException") throw error;
    }
    try {
      await this.cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          MessageAction: "RESEND",
          DesiredDeliveryMediums: ["EMAIL"],
        }),
      );
      return "again";
    } catch (error) {
      // Cognito's answer for a user past FORCE_CHANGE_PASSWORD: they have their own password.
      if ((error as Error).name === "UnsupportedUserStateException") return "none";
      throw error;
    }
  }

  /**
   * Puts the user in `group` and takes them out of the other console groups (groups of other uses
   * are left alone). Out first: if a call fails halfway, they have fewer rights, never more.
   * Returns the console groups they were in before.
   */
  async moveToGroup(email: string, group: ConsoleGroup): Promise<ConsoleGroup[]> {
    const before = await this.groupsOf(email);
    for (const other of before.filter((name) => name !== group)) {
      await this.cognito.send(
        new AdminRemoveUserFromGroupCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          GroupName: other,
        }),
      );
    }
    if (!before.includes(group)) {
      await this.cognito.send(
        new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: email, GroupName: group }),
      );
    }
    return before;
  }

  async groupsOf(email: string): Promise<ConsoleGroup[]> {
    const groups: ConsoleGroup[] = [];
    const pages = paginateAdminListGroupsForUser(
      { client: this.cognito },
      { UserPoolId: this.userPoolId, Username: email },
    );
    for await (const page of pages) {
      for (const { GroupName } of page.Groups ?? []) if (isConsoleGroup(GroupName)) groups.push(GroupName);
    }
    return groups;
  }

  /**
   * Every user (or only `group`'s), oldest first: the users, then each group's members (one listing
   * per group rather than one call per user), then each user's MFA (only AdminGetUser tells it).
   */
  async list(group?: ConsoleGroup): Promise<ConsoleUser[]> {
    const groupsOf = new Map<string, ConsoleGroup[]>();
    const users = new Map<string, UserType>();
    for (const name of group === undefined ? CONSOLE_GROUPS : [group]) {
      for (const user of await this.members(name)) {
        const username = user.Username ?? "";
        groupsOf.set(username, [...(groupsOf.get(username) ?? []), name]);
        users.set(username, user);
      }
    }
    if (group === undefined) {
      for await (const page of paginateListUsers({ client: this.cognito }, { UserPoolId: this.userPoolId })) {
        for (const user of page.Users ?? []) users.set(user.Username ?? "", user);
      }
    }
    const outcomes = await settleEach(
      users.values(),
      READ_CONCURRENCY,
      async (user): Promise<ConsoleUser> => {
        const username = user.Username ?? "";
        return {
          email: user.Attributes?.find((attribute) => attribute.Name === "email")?.Value ?? username,
          groups: groupsOf.get(username) ?? [],
          status: user.UserStatus ?? "UNKNOWN",
          mfa: await this.mfaOf(username),
          enabled: user.Enabled ?? true,
          created: (user.UserCreateDate ?? new Date(0)).toISOString(),
        };
      },
    );
    const failed = outcomes.find((outcome) => outcome.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    const listed = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
    return listed.sort((a, b) => a.created.localeCompare(b.created) || a.email.localeCompare(b.email));
  }

  /** Deletes the user; Cognito signs them out everywhere (their tokens no longer refresh). */
  async remove(email: string): Promise<void> {
    await this.cognito.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: email }));
  }

  private async members(group: ConsoleGroup): Promise<UserType[]> {
    const users: UserType[] = [];
    const pages = paginateListUsersInGroup(
      { client: this.cognito },
      { UserPoolId: this.userPoolId, GroupName: group },
    );
    for await (const page of pages) users.push(...(page.Users ?? []));
    return users;
  }

  private async mfaOf(username: string): Promise<string[]> {
    const { UserMFASettingList } = await this.cognito.send(
      new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: username }),
    );
    return (UserMFASettingList ?? []).map((setting) => MFA_NAMES[setting] ?? setting);
  }
}
