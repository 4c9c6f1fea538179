import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Command } from "commander";
import { DynamoDbRuleRepository, RULESET_ITEM_ID } from "../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { formatFileProblem, loadRuleFile } from "../../shared/contracts/loadRuleFile.ts";
import { diffRules } from "../../shared/domain/alarms/diffRules.ts";
import { UsageError } from "../errors.ts";
import { action, type CliIo, processIo, readInput } from "../io.ts";
import { formatDiff, formatInvalid, formatRuleTable } from "../rulesFormat.ts";
import { addTargetOptions, awsClientConfig, resolveStackOutput, type TargetOptions } from "../target.ts";

interface TableOptions extends TargetOptions {
  readonly table?: string;
}

interface ApplyOptions extends TableOptions {
  readonly file: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly prune?: boolean;
}

const FILE_OPTION = ["-f, --file <path>", "rules file, YAML or JSON (- reads stdin)"] as const;
const PICKUP = "running functions pick the change up within 60 s";

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

  withTable(
    rules
      .command("apply")
      .description(
        "show how the table differs from a rules file, then make it so (a broken file changes nothing)",
      )
      .requiredOption(...FILE_OPTION)
      .option("--dry-run", "only show the changes")
      .option("-y, --yes", "apply without asking (required without a terminal, e.g. in CI)")
      .option("--prune", "also delete rules that are not in the file (default: keep them)"),
  ).action(action(io, (options: ApplyOptions) => apply(io, options)));

  withTable(
    rules
      .command("list")
      .description("list the applied rules")
      .option("--json", "print the rule documents as JSON (a file that `rules apply -f` accepts)"),
  ).action(action(io, (options: TableOptions & { json?: boolean }) => list(io, options)));

  withTable(
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

function withTable(command: Command): Command {
  return addTargetOptions(command).option(
    "--table <name>",
    "rules table name (default: the stack output RulesTableName)",
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

async function withRepository(
  options: TableOptions,
  use: (repository: DynamoDbRuleRepository, tableName: string) => Promise<void>,
): Promise<void> {
  const tableName = await resolveStackOutput(options, "rulesTable", {
    value: options.table,
    flag: "--table",
  });
  const client = DynamoDBDocumentClient.from(new DynamoDBClient(awsClientConfig(options)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  try {
    await use(new DynamoDbRuleRepository({ tableName, client }), tableName);
  } finally {
    client.destroy();
  }
}

async function apply(io: CliIo, options: ApplyOptions): Promise<void> {
  // The whole file is checked before anything is read from or written to the table.
  const file = await loadFile(io, options.file);
  await withRepository(options, async (repository, tableName) => {
    const stored = await repository.list();
    io.err(formatInvalid(stored));
    const diff = diffRules(stored, file.documents);
    const prune = options.prune === true;
    io.out(`Table ${tableName}, rules file ${displayName(options.file)}:\n${formatDiff(diff, prune)}`);
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
      if (!(await io.confirm(`Apply these changes to ${tableName}? [y/N] `))) {
        throw new UsageError("cancelled: nothing was changed");
      }
    }
    const version = await repository.apply({ put, delete: remove });
    io.out(
      `Applied: ${diff.added.length} added, ${diff.changed.length} changed, ${remove.length} deleted. ` +
        `Rules version ${version}; ${PICKUP}.\n`,
    );
  });
}

async function list(io: CliIo, options: TableOptions & { json?: boolean }): Promise<void> {
  await withRepository(options, async (repository, tableName) => {
    const version = await repository.version();
    const stored = await repository.list();
    io.err(formatInvalid(stored));
    const documents = stored.flatMap((rule) => (rule.valid ? [rule.document] : []));
    if (options.json) {
      io.out(`${JSON.stringify(documents, null, 2)}\n`);
      return;
    }
    io.out(
      `Table ${tableName}, rules version ${version ?? "(none applied yet)"}: ${documents.length} rule(s)\n`,
    );
    if (documents.length > 0) io.out(formatRuleTable(documents));
  });
}

async function remove(io: CliIo, ids: readonly string[], options: TableOptions): Promise<void> {
  const unique = [...new Set(ids)];
  const reserved = unique.filter((id) => id.startsWith("#"));
  if (reserved.length > 0)
    throw new UsageError(`${reserved.join(", ")}: not a rule id (${RULESET_ITEM_ID} is the version item)`);
  await withRepository(options, async (repository, tableName) => {
    const stored = new Set((await repository.list()).map((rule) => rule.id));
    const missing = unique.filter((id) => !stored.has(id));
    if (missing.length > 0) {
      throw new UsageError(`no rule ${missing.join(", ")} in ${tableName}; nothing was deleted`);
    }
    const version = await repository.apply({ put: [], delete: unique });
    io.out(`Deleted ${unique.join(", ")}. Rules version ${version}; ${PICKUP}.\n`);
  });
}
