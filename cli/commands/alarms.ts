import { Command } from "commander";
import type { ActionBody, ActionResult, AlarmView, HistoryView } from "../../shared/contracts/operatorApi.ts";
import { API_LIMITS } from "../../shared/contracts/operatorApi.ts";
import type { AlarmStateName } from "../../shared/domain/alarms/alarmState.ts";
import type { Severity } from "../../shared/domain/alarms/rule.ts";
import { ApiCallError } from "../api/apiCallError.ts";
import {
  type ApiDependencies,
  type ApiTargetOptions,
  addApiTargetOptions,
  operatorApiClient,
} from "../api/apiTarget.ts";
import type { OperatorApiClient } from "../api/operatorApiClient.ts";
import {
  alarmIds,
  alarmStates,
  count,
  label,
  note,
  severities,
  snoozeDuration,
  thingGlob,
} from "../api/operatorArguments.ts";
import { CliError, EXIT_CODES } from "../errors.ts";
import { formatAlarmCounts, formatAlarmDetail, formatAlarmTable, paintState } from "../format/alarms.ts";
import { examples } from "../format/help.ts";
import { type OutputStyle, outputStyle, paint } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";

interface ListOptions extends ApiTargetOptions {
  readonly state?: AlarmStateName[];
  readonly severity?: Severity[];
  readonly thing?: string;
  readonly site?: string;
  readonly line?: string;
  readonly json?: boolean;
}

interface ShowOptions extends ApiTargetOptions {
  readonly history: number;
  readonly json?: boolean;
}

interface ActOptions extends ApiTargetOptions {
  readonly note?: string;
  readonly duration?: string;
  readonly json?: boolean;
}

/** The C4 operator actions as commands: the API's `{action}` segment and what each does. */
const ACTIONS = [
  {
    name: "ack",
    example: `plantwatch alarms ack oven-overheat:oven-3 --note "checking burner"`,
    alias: "acknowledge",
    done: "acknowledged",
    description: "acknowledge: ACTIVE → ACKNOWLEDGED (back to NORMAL when it clears), LATCHED → NORMAL",
  },
  {
    name: "snooze",
    example: "plantwatch alarms snooze oven-overheat:oven-3 oven-overheat:oven-4 --duration 30m",
    done: "snoozed",
    description: "snooze for --duration: → SNOOZED, no notifications, then NORMAL (re-armed)",
  },
  {
    name: "disable",
    example: `plantwatch alarms disable oven-overheat:oven-3 --note "sensor replaced next week"`,
    done: "disabled",
    description: "disable: → DISABLED until enabled again",
  },
  {
    name: "enable",
    example: "plantwatch alarms enable oven-overheat:oven-3",
    done: "enabled",
    description: "enable a disabled alarm: DISABLED → NORMAL",
  },
  {
    name: "reset",
    example: `plantwatch alarms reset oven-overheat:oven-3 --note "latch cleared after inspection"`,
    done: "reset",
    description: "reset to NORMAL and re-arm (clears a latch without acknowledging)",
  },
] as const;

const LIST_EXAMPLES = [
  "plantwatch alarms list --state ACTIVE,LATCHED --severity critical",
  "plantwatch alarms list --thing 'oven-*' --site plant-1 --json",
  "plantwatch alarms list --local                 (the local stack: npm start)",
];
const SHOW_EXAMPLES = ["plantwatch alarms show oven-overheat:oven-3 --history 20"];

/**
 * `plantwatch alarms list|show|ack|snooze|disable|enable|reset` (C4, C8) over the operator API (C7).
 * Exit codes: 0 ok, 1 input or an action the API refused (unknown alarm, not allowed in its
 * state), 2 the API or the network failed.
 */
export function alarmsCommand(io: CliIo = processIo(), dependencies: ApiDependencies = {}): Command {
  const alarms = new Command("alarms")
    .description("alarm instances (C4): list, show with history, acknowledge, snooze, disable, enable, reset")
    .addHelpText(
      "after",
      examples(...LIST_EXAMPLES, ...SHOW_EXAMPLES, ...ACTIONS.map((spec) => spec.example)),
    );

  addApiTargetOptions(
    alarms
      .command("list")
      .description("list current alarm instances, filtered")
      .option(
        "--state <states>",
        "only these states, comma-separated (e.g. ACTIVE,ACKNOWLEDGED)",
        alarmStates,
      )
      .option(
        "--severity <severities>",
        "only these severities, comma-separated (e.g. critical,major)",
        severities,
      )
      .option("--thing <glob>", "only things matching this glob (* and ?), e.g. 'oven-*'", thingGlob)
      .option("--site <site>", "only things of this site", label)
      .option("--line <line>", "only things of this line", label)
      .option("--json", "print the alarms as JSON (the API's alarm views)")
      .addHelpText("after", examples(...LIST_EXAMPLES)),
  ).action(action(io, (options: ListOptions) => list(io, dependencies, options)));

  addApiTargetOptions(
    alarms
      .command("show")
      .description("show one alarm and its recent history")
      .argument("<alarmId>", "{ruleId}:{thingName}, e.g. oven-overheat:oven-3")
      .option(
        "--history <n>",
        "how many of the most recent history entries (0: none)",
        count(API_LIMITS.maxPageSize),
        10,
      )
      .option("--json", "print { alarm, history } as JSON (the API's views)")
      .addHelpText("after", examples(...SHOW_EXAMPLES)),
  ).action(action(io, (alarmId: string, options: ShowOptions) => show(io, dependencies, alarmId, options)));

  for (const spec of ACTIONS) {
    const command = alarms
      .command(spec.name)
      .description(spec.description)
      .argument("<alarmId...>", "one or more {ruleId}:{thingName}; each is reported")
      .option("--note <text>", "why, recorded in the alarm's history with your identity", note)
      .option("--json", "print one result per alarm as JSON")
      .addHelpText("after", examples(spec.example));
    if ("alias" in spec) command.alias(spec.alias);
    if (spec.name === "snooze") {
      command.requiredOption(
        "--duration <duration>",
        "how long, e.g. 30m, 2h, 1h30m (at most 7d)",
        snoozeDuration,
      );
    }
    addApiTargetOptions(command).action(
      action(io, (ids: string[], options: ActOptions) => act(io, dependencies, spec, ids, options)),
    );
  }

  for (const command of [alarms, ...alarms.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return alarms;
}

async function list(io: CliIo, dependencies: ApiDependencies, options: ListOptions): Promise<void> {
  const client = await operatorApiClient(options, dependencies);
  const shown = await client.getAll<AlarmView>(["alarms"], {
    state: options.state?.join(","),
    severity: options.severity?.join(","),
    thing: options.thing,
    site: options.site,
    line: options.line,
  });
  if (options.json) {
    io.out(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  const style = outputStyle(io);
  io.out(formatAlarmCounts(shown));
  if (shown.length > 0) io.out(formatAlarmTable(shown, style));
}

async function show(
  io: CliIo,
  dependencies: ApiDependencies,
  alarmId: string,
  options: ShowOptions,
): Promise<void> {
  const [id = alarmId] = alarmIds([alarmId]);
  const client = await operatorApiClient(options, dependencies);
  const alarm = await client.get<AlarmView>(["alarms", id]);
  // The API pages history oldest first: the most recent entries are the end of the last page.
  const history =
    options.history === 0
      ? undefined
      : (
          await client.getAll<HistoryView>(["alarms", id, "history"], { limit: API_LIMITS.maxPageSize })
        ).slice(-options.history);
  if (options.json) {
    io.out(`${JSON.stringify({ alarm, history: history ?? [] }, null, 2)}\n`);
    return;
  }
  io.out(formatAlarmDetail(alarm, history, outputStyle(io)));
}

/** One alarm's answer: the API's result, or why it refused or failed. */
type ActionReport =
  | {
      readonly alarmId: string;
      readonly ok: true;
      readonly alarm: AlarmView;
      readonly event?: ActionResult["event"];
    }
  | {
      readonly alarmId: string;
      readonly ok: false;
      readonly error: { readonly status?: number; readonly code: string; readonly message: string };
    };

async function act(
  io: CliIo,
  dependencies: ApiDependencies,
  spec: (typeof ACTIONS)[number],
  ids: readonly string[],
  options: ActOptions,
): Promise<void> {
  const unique = alarmIds(ids);
  const client = await operatorApiClient(options, dependencies);
  const body: ActionBody = {
    ...(options.note === undefined ? {} : { note: options.note }),
    ...(options.duration === undefined ? {} : { duration: options.duration }),
  };
  const style = outputStyle(io);
  const reports: ActionReport[] = [];
  let exitCode: number = EXIT_CODES.ok;
  for (const [index, alarmId] of unique.entries()) {
    const { report, failure } = await actOn(client, spec.name, alarmId, body);
    reports.push(report);
    if (!options.json) {
      if (report.ok) io.out(describeSuccess(report, style));
      else
        io.err(
          `${alarmId}: ${paint(style, "red", failure === EXIT_CODES.usage ? "refused" : "failed")}: ${describeFailure(report)}\n`,
        );
    }
    exitCode = Math.max(exitCode, failure);
    // The API or the network is failing: the other alarms would only wait for the same answer.
    if (failure === EXIT_CODES.runtime && index < unique.length - 1) {
      io.err(`not attempted: ${unique.slice(index + 1).join(", ")}\n`);
      break;
    }
  }
  if (options.json) io.out(`${JSON.stringify(reports, null, 2)}\n`);
  const failed = reports.filter((report) => !report.ok).length + (unique.length - reports.length);
  if (failed > 0) {
    throw new CliError(`${failed} of ${unique.length} alarm(s) not ${spec.done}`, exitCode);
  }
}

async function actOn(
  client: OperatorApiClient,
  segment: string,
  alarmId: string,
  body: ActionBody,
): Promise<{ report: ActionReport; failure: number }> {
  try {
    const result = await client.post<ActionResult>(["alarms", alarmId, segment], body);
    const report: ActionReport = {
      alarmId,
      ok: true,
      alarm: result.alarm,
      ...(result.event === undefined ? {} : { event: result.event }),
    };
    return { report, failure: EXIT_CODES.ok };
  } catch (error) {
    if (error instanceof ApiCallError) {
      const { status, code, apiMessage: message } = error;
      return { report: { alarmId, ok: false, error: { status, code, message } }, failure: error.exitCode };
    }
    if (error instanceof CliError && error.exitCode === EXIT_CODES.runtime) {
      const report: ActionReport = {
        alarmId,
        ok: false,
        error: { code: "unreachable", message: error.message },
      };
      return { report, failure: error.exitCode };
    }
    throw error;
  }
}

function describeFailure(report: Extract<ActionReport, { ok: false }>): string {
  const { status, code, message } = report.error;
  return status === undefined ? message : `${code}: ${message}`;
}

function describeSuccess(report: Extract<ActionReport, { ok: true }>, style: OutputStyle): string {
  const state = report.event?.state;
  return state === undefined
    ? `${report.alarmId}: ${paintState(style, report.alarm.state)} (state unchanged)\n`
    : `${report.alarmId}: ${paintState(style, state.previous)} → ${paintState(style, state.value)}\n`;
}
