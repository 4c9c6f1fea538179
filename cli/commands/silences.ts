import { Command } from "commander";
import { API_LIMITS, type SilenceBody, type SilenceView } from "../../shared/contracts/operatorApi.ts";
import {
  type ApiDependencies,
  type ApiTargetOptions,
  addApiTargetOptions,
  operatorApiClient,
} from "../api/apiTarget.ts";
import {
  label,
  note,
  resolveTime,
  silenceDuration,
  silenceId,
  type TimeInput,
  thingGlobList,
  time,
} from "../api/operatorArguments.ts";
import { UsageError } from "../errors.ts";
import { examples } from "../format/help.ts";
import { formatSilence, formatSilenceTable, silenceStatus } from "../format/silences.ts";
import { outputStyle } from "../format/table.ts";
import { action, type CliIo, processIo } from "../io.ts";

interface ListOptions extends ApiTargetOptions {
  readonly all?: boolean;
  readonly json?: boolean;
}

interface AddOptions extends ApiTargetOptions {
  readonly things?: string[];
  readonly site?: string;
  readonly line?: string;
  readonly duration?: string;
  readonly until?: TimeInput;
  readonly from?: TimeInput;
  readonly comment?: string;
  readonly json?: boolean;
}

interface RemoveOptions extends ApiTargetOptions {
  readonly json?: boolean;
}

const ADD_EXAMPLES = [
  'plantwatch silences add oven-3-service --things oven-3 --duration 2h --comment "burner swap"',
  "plantwatch silences add line-2-stop --site plant-1 --line line-2 --from 2026-12-01T06:00:00Z --until 2026-12-01T14:00:00Z",
  "plantwatch silences add ovens --things 'oven-*,kiln-?' --duration 30m",
];
const LIST_EXAMPLES = ["plantwatch silences list", "plantwatch silences list --all --json"];
const REMOVE_EXAMPLES = ["plantwatch silences remove oven-3-service"];

/**
 * `plantwatch silences list|add|remove`: maintenance windows (C4) over the operator API (C7).
 * Matching alarms keep their transitions and history but notify no one. Exit codes as `alarms`.
 */
export function silencesCommand(
  io: CliIo = processIo(),
  dependencies: ApiDependencies = {},
  clock: () => number = Date.now,
): Command {
  const silences = new Command("silences")
    .description("maintenance windows: matching alarms are recorded but notify no one")
    .addHelpText("after", examples(...ADD_EXAMPLES, ...LIST_EXAMPLES, ...REMOVE_EXAMPLES));

  addApiTargetOptions(
    silences
      .command("list")
      .description("list silences that are active or upcoming")
      .option("--all", "also those that have ended (until the table's TTL removes them)")
      .option("--json", "print the silences as JSON (the API's silence views)")
      .addHelpText("after", examples(...LIST_EXAMPLES)),
  ).action(action(io, (options: ListOptions) => list(io, dependencies, clock, options)));

  addApiTargetOptions(
    silences
      .command("add")
      .description("create a silence, or replace the one with this id")
      .argument("<id>", "your name for it: lower-case letters, digits and '-', e.g. oven-3-service")
      .option(
        "--things <globs>",
        "thing-name globs, comma-separated or repeated (e.g. 'oven-*')",
        thingGlobList,
      )
      .option("--site <site>", "only things of this site", label)
      .option("--line <line>", "only things of this line", label)
      .option(
        "--duration <duration>",
        "how long from --from (or now), e.g. 2h, 1d (at most 90d)",
        silenceDuration,
      )
      .option("--until <time>", "when it ends: ISO time with a zone, or epoch ms", time)
      .option("--from <time>", "when it starts (default: now): ISO time with a zone, or epoch ms", time)
      .option("--comment <text>", "why, shown with the silence", note)
      .option("--json", "print the created silence as JSON")
      .addHelpText("after", examples(...ADD_EXAMPLES)),
  ).action(action(io, (id: string, options: AddOptions) => add(io, dependencies, clock, id, options)));

  addApiTargetOptions(
    silences
      .command("remove")
      .alias("delete")
      .description("delete a silence: matching alarms notify again")
      .argument("<id>", "the silence id")
      .option("--json", 'print { "removed": id } as JSON')
      .addHelpText("after", examples(...REMOVE_EXAMPLES)),
  ).action(action(io, (id: string, options: RemoveOptions) => remove(io, dependencies, id, options)));

  for (const command of [silences, ...silences.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return silences;
}

async function list(
  io: CliIo,
  dependencies: ApiDependencies,
  clock: () => number,
  options: ListOptions,
): Promise<void> {
  const client = await operatorApiClient(options, dependencies);
  const now = clock();
  const found = await client.getAll<SilenceView>(["silences"]);
  const shown = options.all ? found : found.filter((silence) => silenceStatus(silence, now) !== "ended");
  if (options.json) {
    io.out(`${JSON.stringify(shown, null, 2)}\n`);
    return;
  }
  const hidden = found.length - shown.length;
  const more = hidden > 0 ? ` (${hidden} ended; --all shows them)` : "";
  if (shown.length === 0) {
    io.out(`No silences${options.all ? "" : " active or upcoming"}${more}.\n`);
    return;
  }
  io.out(`${shown.length} silence(s)${more}\n${formatSilenceTable(shown, now, outputStyle(io))}`);
}

/** The request body from the options, or a usage error naming what is missing or contradictory. */
export function silenceBody(options: AddOptions, now: number): SilenceBody {
  const things = options.things ?? [];
  if (things.length === 0 && options.site === undefined && options.line === undefined) {
    throw new UsageError("say what to silence: --things, --site or --line (at least one)");
  }
  if ((options.duration === undefined) === (options.until === undefined)) {
    throw new UsageError("say how long: either --duration or --until (one of them)");
  }
  const startsAt = options.from === undefined ? undefined : resolveTime(options.from, now);
  if (options.until !== undefined) {
    const endsAt = resolveTime(options.until, now);
    const start = startsAt ?? now;
    if (endsAt <= start) {
      throw new UsageError(`--until must be after ${options.from === undefined ? "now" : "--from"}`);
    }
    if (endsAt - start > API_LIMITS.maxSilenceMs) {
      throw new UsageError("a silence may last at most 90d");
    }
  }
  return {
    match: {
      ...(things.length === 0 ? {} : { things }),
      ...(options.site === undefined ? {} : { site: options.site }),
      ...(options.line === undefined ? {} : { line: options.line }),
    },
    ...(startsAt === undefined ? {} : { startsAt: new Date(startsAt).toISOString() }),
    ...(options.until === undefined
      ? {}
      : { endsAt: new Date(resolveTime(options.until, now)).toISOString() }),
    ...(options.duration === undefined ? {} : { duration: options.duration }),
    ...(options.comment === undefined ? {} : { comment: options.comment }),
  };
}

async function add(
  io: CliIo,
  dependencies: ApiDependencies,
  clock: () => number,
  id: string,
  options: AddOptions,
): Promise<void> {
  const valid = silenceId(id);
  const body = silenceBody(options, clock());
  const client = await operatorApiClient(options, dependencies);
  const silence = await client.put<SilenceView>(["silences", valid], body);
  if (options.json) {
    io.out(`${JSON.stringify(silence, null, 2)}\n`);
    return;
  }
  io.out(formatSilence(silence, clock(), outputStyle(io)));
}

async function remove(
  io: CliIo,
  dependencies: ApiDependencies,
  id: string,
  options: RemoveOptions,
): Promise<void> {
  const valid = silenceId(id);
  const client = await operatorApiClient(options, dependencies);
  await client.delete<undefined>(["silences", valid]);
  io.out(options.json ? `${JSON.stringify({ removed: id })}\n` : `Removed silence ${id}.\n`);
}
