import { writeFile } from "node:fs/promises";
import { Command } from "commander";
import { formatProblem, validateRuleDocuments } from "../../shared/contracts/ruleProblems.ts";
import type { Severity } from "../../shared/domain/alarms/rule.ts";
import type { SourceDocument } from "../../shared/domain/migration/iotEvents/collectSources.ts";
import { migrateIotEvents } from "../../shared/domain/migration/iotEvents/migrateIotEvents.ts";
import {
  formatMigrationReport,
  migrationReportJson,
} from "../../shared/domain/migration/iotEvents/migrationReport.ts";
import { renderRulesFile } from "../../shared/domain/migration/iotEvents/rulesFile.ts";
import { thingGlobList } from "../api/operatorArguments.ts";
import { EXIT_CODES, UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { metricMapping, severityMapping } from "../importIotEvents/mappingOptions.ts";
import { readSourceFile } from "../importIotEvents/readSourceFile.ts";
import { action, type CliIo, processIo, readInput } from "../io.ts";

interface IotEventsOptions {
  readonly output?: string;
  readonly metricMap?: ReadonlyMap<string, string>;
  readonly severityMap?: ReadonlyMap<number, Severity>;
  readonly things?: string[];
  readonly report?: string;
  readonly json?: boolean;
}

const EXAMPLES = [
  "plantwatch import iot-events examples/iot-events/*.json -o rules.yaml",
  "plantwatch import iot-events cdk.out/PlantStack.template.json --things 'press-*' --severity-map 3=major -o rules.yaml",
  "plantwatch import iot-events alarms.yaml --metric-map 'TemperatureInput.sensorData.temp=temperature' --json --report report.json",
];

/**
 * `plantwatch import iot-events <file...>` (C8): AWS IoT Events alarm models → a C3 rules file and a
 * migration report. Exit codes: 0 every alarm model migrated whole, 1 something was refused or not
 * carried over (the rules that could be written still are), or a file could not be read.
 */
export function importCommand(io: CliIo = processIo()): Command {
  const command = new Command("import").description(
    "bring alarm definitions from other systems into plantwatch",
  );
  command
    .command("iot-events")
    .description(
      "convert AWS IoT Events alarm models (CloudFormation/CDK templates, describe-alarm-model output) into a rules file, with a migration report; needs no AWS access",
    )
    .argument(
      "<file...>",
      "CloudFormation templates (JSON or YAML, cdk.out too) or describe-alarm-model JSON",
    )
    .option("-o, --output <path>", "write the rules file here (default: stdout)")
    .option(
      "--metric-map <property=metric>",
      "metric for an input property, e.g. 'TemperatureInput.sensorData.temp=temperature' (repeatable)",
      metricMapping,
    )
    .option(
      "--severity-map <level=severity>",
      "plantwatch severity for an IoT Events severity, e.g. 3=major (repeatable)",
      severityMapping,
    )
    .option(
      "--things <globs>",
      "thing-name globs every rule matches, e.g. 'press-*' (repeatable or comma-separated; default every thing)",
      thingGlobList,
    )
    .option("--report <path>", "write the migration report here (default: stderr)")
    .option("--json", "the report as JSON (version 1), for programs")
    .addHelpText("after", examples(...EXAMPLES))
    .action(action(io, (files: string[], options: IotEventsOptions) => importIotEvents(io, files, options)));
  for (const each of [command, ...command.commands])
    each.configureOutput({ writeOut: io.out, writeErr: io.err });
  return command;
}

async function importIotEvents(
  io: CliIo,
  files: readonly string[],
  options: IotEventsOptions,
): Promise<void> {
  const documents: SourceDocument[] = [];
  for (const file of files) {
    const text = await readInput(io, file);
    try {
      documents.push({ file, value: readSourceFile(text, file) });
    } catch (error) {
      throw new UsageError(`${file}: cannot read it as JSON or YAML: ${(error as Error).message}`);
    }
  }
  const migration = migrateIotEvents(documents, {
    metricMap: options.metricMap ?? new Map(),
    severityMap: options.severityMap ?? new Map(),
    ...(options.things === undefined ? {} : { things: options.things }),
  });
  // The same validator as `rules validate`: a file this command writes is one `rules apply` takes.
  const rules = migration.alarms.flatMap((alarm) => (alarm.rule === undefined ? [] : [alarm.rule]));
  const validated = validateRuleDocuments(rules);
  if (!validated.ok) {
    throw new UsageError(`the rules would not be valid: ${validated.problems.map(formatProblem).join("; ")}`);
  }
  const rulesFile = renderRulesFile(migration, files);
  const report = options.json ? migrationReportJson(migration) : formatMigrationReport(migration);
  if (options.output === undefined) io.out(rulesFile);
  else await writeFile(options.output, rulesFile);
  if (options.report === undefined) io.err(report);
  else await writeFile(options.report, report);
  if (options.output !== undefined && !options.json) {
    io.err(
      `Wrote ${rules.length} rule(s) to ${options.output}; check it with \`plantwatch rules validate -f ${options.output}\`.\n`,
    );
  }
  if (!migration.whole) io.setExitCode(EXIT_CODES.usage);
}
