import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { Command, InvalidArgumentError, Option } from "commander";
import { STACK_OUTPUTS } from "../../infra/stackOutputs.ts";
import { CliError, EXIT_CODES, UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { outputStyle } from "../format/table.ts";
import { formatUserTable } from "../format/users.ts";
import { action, type CliIo, processIo } from "../io.ts";
import { addTargetOptions, awsClientConfig, readStack, type TargetOptions } from "../target.ts";
import { CONSOLE_GROUPS, type ConsoleGroup, ConsoleUsers } from "../users/consoleUsers.ts";

interface PoolOptions extends TargetOptions {
  readonly userPoolId?: string;
  readonly json?: boolean;
}

interface AddOptions extends PoolOptions {
  readonly group: ConsoleGroup;
}

interface ListOptions extends PoolOptions {
  readonly group?: ConsoleGroup;
}

interface RemoveOptions extends PoolOptions {
  readonly yes?: boolean;
}

/** The SDK clients of one run; the command destroys them when it is done. */
export interface UsersClients {
  readonly cognito: CognitoIdentityProviderClient;
  /** Reads the stack outputs ConsoleUserPoolId and ConsoleUrl. */
  readonly cloudFormation: CloudFormationClient;
}

/** What tests replace: the clients, each pointed at its own fake. */
export interface UsersDependencies {
  readonly clients?: (options: TargetOptions) => UsersClients;
}

/** Cognito's limit on a username, which the e-mail is. */
const MAX_EMAIL_LENGTH = 128;
/** A plain address: what an invitation can reach, not every form RFC 5322 allows. */
const EMAIL =
  /^[^\s@"(),:;<>[\\\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

const HELP = `
Users sign in to the hosted console (stack output ConsoleUrl) with their e-mail. Their group decides
what they may do there: viewer reads, operator also acts on alarms and silences, admin also manages
rules. Exit codes: 0 done, 1 bad input, a refused confirmation or an unknown user, 2 AWS/runtime error
(no access, missing stack or output, throttled after the SDK's retries).`;

const ADD_EXAMPLES = [
  "plantwatch users add ana@example.com --group operator",
  "plantwatch users add ana@example.com --group admin --stack plantwatch-prod",
];
const LIST_EXAMPLES = ["plantwatch users list", "plantwatch users list --group admin --json"];
const REMOVE_EXAMPLES = ["plantwatch users remove ana@example.com --yes"];

/** `plantwatch users add|list|remove`: the hosted console's users and their groups (Cognito). */
export function usersCommand(io: CliIo = processIo(), dependencies: UsersDependencies = {}): Command {
  const users = new Command("users")
    .description("the hosted console's users: invite, list, change group, remove")
    .addHelpText("after", `${HELP}\n${examples(...ADD_EXAMPLES, ...LIST_EXAMPLES, ...REMOVE_EXAMPLES)}`);

  withPool(
    users
      .command("add")
      .description(
        "invite a user by e-mail (Cognito mails a temporary password) into one group; an existing user is moved to it, and invited again if they never signed in",
      )
      .argument("<email>", "their e-mail address, which is also their username", emailAddress)
      .addOption(groupOption("the group they end in (their only console group)").makeOptionMandatory())
      .option("--json", "print the outcome as JSON")
      .addHelpText("after", examples(...ADD_EXAMPLES)),
  ).action(action(io, (email: string, options: AddOptions) => add(io, dependencies, email, options)));

  withPool(
    users
      .command("list")
      .description("list the users: e-mail, group, status, MFA, enabled, created")
      .addOption(groupOption("only the members of this group"))
      .option("--json", "print the users as a JSON array")
      .addHelpText("after", examples(...LIST_EXAMPLES)),
  ).action(action(io, (options: ListOptions) => list(io, dependencies, options)));

  withPool(
    users
      .command("remove")
      .description("delete a user: they can no longer sign in")
      .argument("<email>", "their e-mail address", emailAddress)
      .option("-y, --yes", "delete without asking (required without a terminal, e.g. in CI)")
      .option("--json", "print the outcome as JSON")
      .addHelpText("after", examples(...REMOVE_EXAMPLES)),
  ).action(action(io, (email: string, options: RemoveOptions) => remove(io, dependencies, email, options)));

  for (const command of [users, ...users.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return users;
}

function withPool(command: Command): Command {
  return addTargetOptions(command).option(
    "--user-pool-id <id>",
    "Cognito user pool (default: the stack output ConsoleUserPoolId)",
  );
}

function groupOption(description: string): Option {
  return new Option("--group <group>", description).choices(CONSOLE_GROUPS);
}

/** Lower case: the pool may compare usernames case-sensitively, and Ana@ and ana@ are one person. */
function emailAddress(value: string): string {
  const email = value.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH || !EMAIL.test(email)) {
    throw new InvalidArgumentError(
      `expected an e-mail address such as ana@example.com (at most ${MAX_EMAIL_LENGTH} characters)`,
    );
  }
  return email;
}

function defaultClients(options: TargetOptions): UsersClients {
  const config = awsClientConfig(options);
  return {
    cognito: new CognitoIdentityProviderClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
}

/** The pool and, when the stack has it, the console's address. */
interface ConsolePool {
  readonly users: ConsoleUsers;
  readonly consoleUrl?: string;
}

async function withPoolClients(
  dependencies: UsersDependencies,
  options: PoolOptions,
  use: (pool: ConsolePool) => Promise<void>,
): Promise<void> {
  if (options.userPoolId === undefined && options.endpoint !== undefined) {
    throw new UsageError("--endpoint needs --user-pool-id: a local endpoint has no stack outputs");
  }
  const clients = (dependencies.clients ?? defaultClients)(options);
  try {
    const outputs =
      options.userPoolId === undefined
        ? (await readStack(clients.cloudFormation, options.stack)).outputs
        : {};
    const userPoolId = options.userPoolId ?? outputs[STACK_OUTPUTS.consoleUserPoolId.key];
    if (userPoolId === undefined) {
      throw new CliError(
        `stack ${options.stack} has no output ${STACK_OUTPUTS.consoleUserPoolId.key}: deploy a version with the hosted console (npx cdk deploy), or give --user-pool-id; nothing was changed`,
        EXIT_CODES.runtime,
      );
    }
    const consoleUrl = outputs[STACK_OUTPUTS.consoleUrl.key];
    await use({
      users: new ConsoleUsers(clients.cognito, userPoolId),
      ...(consoleUrl === undefined ? {} : { consoleUrl }),
    });
  } finally {
    clients.cognito.destroy();
    clients.cloudFormation.destroy();
  }
}

async function add(
  io: CliIo,
  dependencies: UsersDependencies,
  email: string,
  options: AddOptions,
): Promise<void> {
  await withPoolClients(dependencies, options, async ({ users, consoleUrl }) => {
    const invitation = await users.invite(email);
    const previousGroups = await users.moveToGroup(email, options.group);
    if (options.json) {
      io.out(
        `${JSON.stringify(
          {
            email,
            group: options.group,
            invited: invitation !== "none",
            invitation,
            previousGroups,
            consoleUrl: consoleUrl ?? null,
          },
          null,
          2,
        )}\n`,
      );
      return;
    }
    const others = previousGroups.filter((group) => group !== options.group);
    const membership =
      others.length > 0
        ? `moved from ${others.join(", ")} to ${options.group}`
        : `${previousGroups.length > 0 ? "already" : "now"} in ${options.group}`;
    io.out(
      invitation === "new"
        ? `${email}: invited as ${options.group}; Cognito e-mails them a temporary password, which they change at their first sign-in.\n`
        : invitation === "again"
          ? `${email}: has not signed in yet; invited again (Cognito e-mails a new temporary password, the earlier one no longer works); ${membership}.\n`
          : `${email}: already a user; ${membership}.\n`,
    );
    io.out(
      consoleUrl === undefined
        ? "They sign in at the console (stack output ConsoleUrl).\n"
        : `They sign in at ${consoleUrl}\n`,
    );
  });
}

async function list(io: CliIo, dependencies: UsersDependencies, options: ListOptions): Promise<void> {
  await withPoolClients(dependencies, options, async ({ users }) => {
    const found = await users.list(options.group);
    if (options.json) {
      io.out(`${JSON.stringify(found, null, 2)}\n`);
      return;
    }
    const where = options.group === undefined ? "" : ` in ${options.group}`;
    if (found.length === 0) {
      io.out(`No users${where} in ${users.userPoolId}.\n`);
      return;
    }
    io.out(`${found.length} user(s)${where}\n${formatUserTable(found, outputStyle(io))}`);
  });
}

async function remove(
  io: CliIo,
  dependencies: UsersDependencies,
  email: string,
  options: RemoveOptions,
): Promise<void> {
  if (!options.yes && !io.interactive) {
    throw new UsageError("no terminal to confirm: pass --yes to remove the user without asking");
  }
  await withPoolClients(dependencies, options, async ({ users }) => {
    if (!options.yes && !(await io.confirm(`Remove ${email} from ${users.userPoolId}? [y/N] `))) {
      throw new UsageError("cancelled: nothing was changed");
    }
    try {
      await users.remove(email);
    } catch (error) {
      if ((error as Error).name === "UserNotFoundException") {
        throw new UsageError(`${email} is not a user of ${users.userPoolId}; nothing was changed`);
      }
      throw error;
    }
    io.out(options.json ? `${JSON.stringify({ email, removed: true }, null, 2)}\n` : `${email}: removed.\n`);
  });
}
