import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Command, Option } from "commander";
import {
  DynamoDbRuleRepository,
  NO_RULES_VERSION,
  RULESET_ITEM_ID,
  type RuleChanges,
  type StoredRule,
} from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { formatFileProblem, loadRuleFile } from "../../shared/contracts/loadRuleFile.ts";
import type { RulesView } from "../../shared/contracts/operatorApi.ts";
import { diffRules } from "../../shared/domain/alarms/diffRules.ts";
import { LOCAL_API_URL, operatorApiClient } from "../api/apiTarget.ts";
import { CliError, EXIT_CODES, UsageError } from "../errors.ts";
import { action, type CliIo, processIo, readInput } from "../io.ts";
import { formatDiff, formatInvalid, formatRuleTable } from "../rulesFormat.ts";
import {
  addTargetOptions,
  awsClientConfig,
  DEFAULT_STACK,
  httpUrlParser,
  resolveStackOutput,
  type TargetOptions,
} from "../target.ts";

interface TableOptions extends TargetOptions {
  readonly table?: string;
  /** `--local` alone is `true`: the default local URL. */
  readonly local?: string | true;
}

/** Where the rules are read and written: the rules table, or the operator API of a local stack (`--local`). */
interface RuleTarget {
  /** Starts a sentence: `Table plantwatch-dev-rules`, `API http://localhost:8080/api`. */
  readonly title: string;
  /** The table name or the API URL. */
  readonly name: string;
  /** The ruleset version, or undefined if none was ever applied. */
  version(): Promise<string | undefined>;
  list(): Promise<readonly StoredRule[]>;
  /** Makes the changes and returns the ruleset version after them. */
  apply(changes: RuleChanges): Promise<string>;
}

interface ApplyOptions extends TableOptions {
  readonly file: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly prune?: boolean;
}

const FILE_OPTION = ["-f, --file <path>", "rules file, YAML or JSON (- reads stdin)"] as const;
const PICKUP = "running functions pick the change up within 60 s";
const LOCAL_TIMEOUT_SECONDS = 30;

/** `plantwatch rules validate|apply|list|delete` (C3, C8). Exit codes: 0 ok, 1 input or usage, 2 AWS/runtime. */
export function rulesCommand(io: CliIo = processIo()): Command {
  const rules = new Command("rules").description("alarm rules (C3): validate a file, apply it, list, delete");

  rules
    .command("validate")
    .description("check a rules file and report every problem with its path and line; needs no AWS access")
    .requiredOption(...FILE_OPTION)
    .action(
      action(io, async (options: { file: string }) => {
        const { rules: loaded } = await loadFile(io, options.file);
        io.out(`${displayName(options.file)}: ${loaded.length} rule(s), valid\n`);
      }),
    );

  withTargetOptions(
    rules
      .command("apply")
      .description(
        "show how the applied rules differ from a rules file, then make it so (a broken file changes nothing)",
      )
      .requiredOption(...FILE_OPTION)
      .option("--dry-run", "only show the changes")
      .option("-y, --yes", "apply without asking (required without a terminal, e.g. in CI)")
      .option("--prune", "also delete rules that are not in the file (default: keep them)"),
  ).action(action(io, (options: ApplyOptions) => apply(io, options)));

  withTargetOptions(
    rules
      .command("list")
      .description("list the applied rules")
      .option("--json", "print the rule documents as JSON (a file that `rules apply -f` accepts)"),
  ).action(action(io, (options: TableOptions & { json?: boolean }) => list(io, options)));

  withTargetOptions(
    rules
      .command("delete")
      .description("delete rules by id (all or nothing: an unknown id deletes none)")
      .argument("<id...>", "rule ids"),
  ).action(action(io, (ids: string[], options: TableOptions) => remove(io, ids, options)));

  for (const command of [rules, ...rules.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return rules;
}

function withTargetOptions(command: Command): Command {
  return addTargetOptions(command)
    .option("--table <name>", "rules table name (default: the stack output RulesTableName)")
    .addOption(
      new Option(
        "--local [url]",
        `a running local stack, through its operator API (default ${LOCAL_API_URL})`,
      )
        .argParser(httpUrlParser(LOCAL_API_URL))
        .conflicts(["table", "endpoint"]),
    );
}

function displayName(file: string): string {
  return file === "-" ? "<stdin>" : file;
}

async function loadFile(io: CliIo, file: string) {
  const loaded = loadRuleFile(await readInput(io, file), file);
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.err(`${formatFileProblem(problem, displayName(file))}\n`);
    throw new UsageError(`${displayName(file)}: ${loaded.problems.length} problem(s); nothing was changed`);
  }
  return loaded;
}

async function withTarget(options: TableOptions, use: (target: RuleTarget) => Promise<void>): Promise<void> {
  if (options.local !== undefined) {
    await use(await apiTarget(options.local));
    return;
  }
  const tableName = await resolveStackOutput(options, "rulesTable", {
    value: options.table,
    flag: "--table",
  });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    const repository = new DynamoDbRuleRepository({ tableName, client });
    await use({
      title: `Table ${tableName}`,
      name: tableName,
      version: () => repository.version(),
      list: () => repository.list(),
      apply: (changes) => repository.apply(changes),
    });
  } finally {
    client.destroy();
  }
}

/**
 * The rules through the operator API (C7): `GET /rules`, then one `PUT /rules/{id}` or
 * `DELETE /rules/{id}` per change. The API leaves invalid stored rules out, so none are seen here.
 */
async function apiTarget(local: string | true): Promise<RuleTarget> {
  const client = await operatorApiClient({ stack: DEFAULT_STACK, local, timeout: LOCAL_TIMEOUT_SECONDS });
  const rules = () => client.get<RulesView>(["rules"]);
  return {
    title: `API ${client.baseUrl}`,
    name: client.baseUrl,
    version: async () => {
      const { version } = await rules();
      return version === NO_RULES_VERSION ? undefined : version;
    },
    list: async () => (await rules()).items.map((document) => ({ valid: true, id: document.id, document })),
    apply: async (changes) => {
      const done: string[] = [];
      try {
        for (const document of changes.put) {
          await client.put(["rules", document.id], document);
          done.push(`put ${document.id}`);
        }
        for (const id of changes.delete) {
          await client.delete(["rules", id]);
          done.push(`deleted ${id}`);
        }
      } catch (error) {
        if (done.length === 0) throw error;
        // One request per rule: say which changes were made before the failure.
        const exitCode = error instanceof CliError ? error.exitCode : EXIT_CODES.runtime;
        throw new CliError(`${(error as Error).message} (made before it: ${done.join(", ")})`, exitCode, {
          cause: error,
        });
      }
      return (await rules()).version;
    },
  };
}

async function apply(io: CliIo, options: ApplyOptions): Promise<void> {
  // The whole file is checked before anything is read from or written to the table.
  const file = await loadFile(io, options.file);
  await withTarget(options, async (target) => {
    const stored = await target.list();
    io.err(formatInvalid(stored));
    const diff = diffRules(stored, file.documents);
    const prune = options.prune === true;
    io.out(`${target.title}, rules file ${displayName(options.file)}:\n${formatDiff(diff, prune)}`);
    const put = [...diff.added, ...diff.changed.map((rule) => rule.after)];
    const remove = prune ? diff.removed.map((rule) => rule.id) : [];
    if (put.length + remove.length === 0) {
      io.out("No changes to apply.\n");
      return;
    }
    if (options.dryRun) {
      io.out("Dry run: nothing was changed.\n");
      return;
    }
    if (!options.yes) {
      if (!io.interactive) {
        throw new UsageError(
          "no terminal to confirm the changes: pass --yes to apply them (or --dry-run to only show)",
        );
      }
      if (!(await io.confirm(`Apply these changes to ${target.name}? [y/N] `))) {
        throw new UsageError("cancelled: nothing was changed");
      }
    }
    const version = await target.apply({ put, delete: remove });
    io.out(
      `Applied: ${diff.added.length} added, ${diff.changed.length} changed, ${remove.length} deleted. ` +
        `Rules version ${version}; ${PICKUP}.\n`,
    );
  });
}

async function list(io: CliIo, options: TableOptions & { json?: boolean }): Promise<void> {
  await withTarget(options, async (target) => {
    const version = await target.version();
    const stored = await target.list();
    io.err(formatInvalid(stored));
    const documents = stored.flatMap((rule) => (rule.valid ? [rule.document] : []));
    if (options.json) {
      io.out(`${JSON.stringify(documents, null, 2)}\n`);
      return;
    }
    io.out(
      `${target.title}, rules version ${version ?? "(none applied yet)"}: ${documents.length} rule(s)\n`,
    );
    if (documents.length > 0) io.out(formatRuleTable(documents));
  });
}

async function remove(io: CliIo, ids: readonly string[], options: TableOptions): Promise<void> {
  const unique = [...new Set(ids)];
  const reserved = unique.filter((id) => id.startsWith("#"));
  if (reserved.length > 0)
    throw new UsageError(`${reserved.join(", ")}: not a rule id (${RULESET_ITEM_ID} is the version item)`);
  await withTarget(options, async (target) => {
    const stored = new Set((await target.list()).map((rule) => rule.id));
    const missing = unique.filter((id) => !stored.has(id));
    if (missing.length > 0) {
      throw new UsageError(`no rule ${missing.join(", ")} in ${target.name}; nothing was deleted`);
    }
    const version = await target.apply({ put: [], delete: unique });
    io.out(`Deleted ${unique.join(", ")}. Rules version ${version}; ${PICKUP}.\n`);
  });
}
