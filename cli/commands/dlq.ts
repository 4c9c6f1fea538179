import { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Command, InvalidArgumentError, Option } from "commander";
import { awsRedrive } from "../../shared/adapters/aws/redriveTargets.ts";
import { SqsDeadLetterQueue } from "../../shared/adapters/aws/sqsDeadLetterQueue.ts";
import {
  classifyDeadLetter,
  DEAD_LETTER_KINDS,
  type DeadLetterKind,
} from "../../shared/domain/deadLetters/deadLetter.ts";
import { type ReplayAllowlist, replayAllowlistOf } from "../../shared/domain/deadLetters/replayAllowlist.ts";
import {
  type PlannedMessage,
  type ReplayOutcome,
  replayDeadLetters,
} from "../../shared/domain/deadLetters/replayDeadLetters.ts";
import { planReplay } from "../../shared/domain/deadLetters/replayPlan.ts";
import type { HeldMessage } from "../../shared/ports/deadLetterQueue.ts";
import {
  formatDeadLetterJson,
  formatDeadLetterTable,
  formatOutcomes,
  formatPlan,
} from "../dlq/formatDeadLetters.ts";
import { CliError, EXIT_CODES, UsageError } from "../errors.ts";
import { action, type CliIo, processIo } from "../io.ts";
import {
  addTargetOptions,
  awsClientConfig,
  readStack,
  resolveStackOutput,
  type TargetOptions,
} from "../target.ts";

interface QueueOptions extends TargetOptions {
  readonly queueUrl?: string;
  readonly max: number;
  readonly json?: boolean;
}

interface ReplayOptions extends QueueOptions {
  readonly id?: readonly string[];
  readonly kind?: readonly DeadLetterKind[];
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly forceDelete?: boolean;
}

/** The SDK clients of one run; the command destroys them when it is done. */
export interface DlqClients {
  readonly sqs: SQSClient;
  readonly lambda: LambdaClient;
  /** Reads back the records of discarded stream batches. */
  readonly kinesis: KinesisClient;
  readonly eventBridge: EventBridgeClient;
  /** Reads the stack whose functions, stream, rules and roles replay may trust. */
  readonly cloudFormation: CloudFormationClient;
}

/** What tests replace: the clients (each pointed at its own fake) and the clock (message ages). */
export interface DlqDependencies {
  readonly clients?: (options: TargetOptions) => DlqClients;
  readonly now?: () => number;
}

/** `list` hides what it receives this long at most; it makes the messages visible again when done. */
const LIST_VISIBILITY_SECONDS = 30;
/** Long enough to confirm and re-drive; anything not deleted is made visible again at the end. */
const REPLAY_VISIBILITY_SECONDS = 300;
const MAX_MESSAGES = 1000;

const LIST_HELP = `
SQS has no peek: listing receives the messages, which hides them from other consumers for up to
${LIST_VISIBILITY_SECONDS} s and counts as a receive. They are made visible again as soon as the list is printed
(if the command is interrupted, they reappear after ${LIST_VISIBILITY_SECONDS} s).
Kinds: lambda-failure (a function's async invocation failed after its retries), stream-batch (ingest or
evaluate gave up on a batch of the telemetry stream: shard, sequence range and condition; stream ingestion
mode), iot-rule-error (an IoT rule could not invoke a function), eventbridge-target (a rule could not deliver an alarm event to the notify
function or a webhook), eventbridge-bus (the alarm bus could not process an event, e.g. its key disabled), scheduler (a sweep occurrence failed), unknown (none of these).`;

const REPLAY_HELP = `
Each message goes back where it was going, and is deleted only after that call succeeded:
  lambda-failure       async Invoke of the function with the original event
  stream-batch         the batch's records read back from the stream (shard, start to end sequence number),
                       async Invoke of the function with them as one Kinesis event (several if over 256 KB);
                       records gone with the stream's retention: kept, reported as expired
  iot-rule-error       the rule's event rebuilt from the original payload (receivedAt = the SQS SentTimestamp,
                       moments after IoT received it), async Invoke of each function that failed
  eventbridge-target   notify function: async Invoke with the event; webhook (API destination): the event put on
                       the bus again with detail.replayTo = <rule name>, so only that webhook rule sends it
  eventbridge-bus      the event put on the alarm bus again as it was (it reached no rule)
  scheduler            deleted without a re-drive: superseded by the next sweep (every minute)
  unknown              kept (--force-delete deletes it)
Re-driving twice is safe: ingest and evaluate ignore samples they have seen, alarm events de-duplicate.
Messages are received (hidden for up to ${REPLAY_VISIBILITY_SECONDS} s); those not deleted are made visible again at the end.
Exit codes: 0 every selected message re-driven or removed, 1 some stay in the queue (a failed re-drive,
an expired stream batch, an unknown shape, an --id not received) or bad input, 2 AWS/runtime error (no access, missing stack).

Examples:
  plantwatch dlq replay --dry-run
  plantwatch dlq replay --kind lambda-failure --kind iot-rule-error --yes
  plantwatch dlq replay --id 5fea7756-0ea4-451a-a703-a558b933e274`;

/** `plantwatch dlq list|replay` (C6, C8): what is parked in the dead-letter queue, and re-driving it. */
export function dlqCommand(io: CliIo = processIo(), dependencies: DlqDependencies = {}): Command {
  const dlq = new Command("dlq").description(
    "the dead-letter queue (C6): list what failed after its retries, re-drive it",
  );

  withQueue(
    dlq
      .command("list")
      .description("list the messages in the dead-letter queue: id, age, kind, target, error, receive count")
      .option("--json", "print every field of each message as a JSON array")
      .addHelpText("after", LIST_HELP),
  ).action(action(io, (options: QueueOptions) => list(io, dependencies, options)));

  withQueue(
    dlq
      .command("replay")
      .description("re-drive dead letters to where they were going; delete each once its re-drive succeeded")
      .option("--id <messageId>", "only this message (repeatable)", collect)
      .addOption(
        new Option(
          "--kind <kind>",
          `only messages of this kind (repeatable): ${DEAD_LETTER_KINDS.join(", ")}`,
        ).argParser(collectKind),
      )
      .option("--dry-run", "only show what would be done (the messages are still received, see list --help)")
      .option("-y, --yes", "replay without asking (required without a terminal, e.g. in CI)")
      .option("--force-delete", "also delete messages of unknown shape (never re-driven)")
      .option("--json", "print the outcomes as a JSON array")
      .addHelpText("after", REPLAY_HELP),
  ).action(action(io, (options: ReplayOptions) => replay(io, dependencies, options)));

  for (const command of [dlq, ...dlq.commands]) {
    command.configureOutput({ writeOut: io.out, writeErr: io.err });
  }
  return dlq;
}

function withQueue(command: Command): Command {
  return addTargetOptions(command)
    .option("--queue-url <url>", "dead-letter queue URL (default: the stack output DeadLetterQueueUrl)")
    .option(`--max <n>`, `receive at most n messages (1-${MAX_MESSAGES})`, maxMessages, 100);
}

function maxMessages(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > MAX_MESSAGES) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_MESSAGES}`);
  }
  return number;
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Repeatable, so checks the choice itself (an argParser replaces commander's own check). */
function collectKind(value: string, previous: readonly DeadLetterKind[] | undefined): DeadLetterKind[] {
  const kind = DEAD_LETTER_KINDS.find((candidate) => candidate === value);
  if (kind === undefined) {
    throw new InvalidArgumentError(`Allowed choices are ${DEAD_LETTER_KINDS.join(", ")}.`);
  }
  return [...(previous ?? []), kind];
}

function defaultClients(options: TargetOptions): DlqClients {
  const config = awsClientConfig(options);
  return {
    sqs: new SQSClient(config),
    lambda: new LambdaClient(config),
    kinesis: new KinesisClient(config),
    eventBridge: new EventBridgeClient(config),
    cloudFormation: new CloudFormationClient(config),
  };
}

async function withQueueClients(
  dependencies: DlqDependencies,
  options: QueueOptions,
  use: (queue: SqsDeadLetterQueue, clients: DlqClients) => Promise<void>,
): Promise<void> {
  const queueUrl = await resolveStackOutput(options, "deadLetterQueueUrl", {
    value: options.queueUrl,
    flag: "--queue-url",
  });
  const clients = (dependencies.clients ?? defaultClients)(options);
  try {
    await use(new SqsDeadLetterQueue(clients.sqs, queueUrl), clients);
  } finally {
    clients.sqs.destroy();
    clients.lambda.destroy();
    clients.kinesis.destroy();
    clients.eventBridge.destroy();
    clients.cloudFormation.destroy();
  }
}

async function list(io: CliIo, dependencies: DlqDependencies, options: QueueOptions): Promise<void> {
  await withQueueClients(dependencies, options, async (queue) => {
    const held = await queue.receive(options.max, LIST_VISIBILITY_SECONDS);
    try {
      const letters = held.map(classifyDeadLetter);
      const now = (dependencies.now ?? Date.now)();
      if (options.json) {
        io.out(formatDeadLetterJson(letters, now));
        return;
      }
      io.out(
        `${queue.queueUrl}: ${letters.length} message(s)${held.length === options.max ? " (--max reached; there may be more)" : ""}\n`,
      );
      if (letters.length > 0) io.out(formatDeadLetterTable(letters, now));
    } finally {
      await releaseAll(io, queue, held);
    }
  });
}

async function replay(io: CliIo, dependencies: DlqDependencies, options: ReplayOptions): Promise<void> {
  if (!options.dryRun && !options.yes && !io.interactive) {
    throw new UsageError(
      "no terminal to confirm the replay: pass --yes (or --dry-run to only show the plan)",
    );
  }
  await withQueueClients(dependencies, options, async (queue, clients) => {
    // With --json, stdout carries only the outcomes; the plan and notes go to stderr.
    const info = options.json ? io.err : io.out;
    const allowlist = await stackAllowlist(clients.cloudFormation, options);
    const held = await queue.receive(options.max, REPLAY_VISIBILITY_SECONDS);
    const deleted = new Set<string>();
    try {
      const planned = select(held, options).map(
        ({ message, letter }): PlannedMessage => ({
          message,
          letter,
          plan: planReplay(letter, { forceDelete: options.forceDelete === true, allowlist }),
        }),
      );
      const missing = (options.id ?? []).filter((id) => !held.some((message) => message.messageId === id));
      for (const id of missing) {
        io.err(
          `${id}: not among the ${held.length} message(s) received (gone, hidden by another consumer, or past --max)\n`,
        );
      }
      if (planned.length === 0) {
        info(`${queue.queueUrl}: nothing to replay (${held.length} message(s) received, none selected).\n`);
        if (missing.length > 0) io.setExitCode(EXIT_CODES.usage);
        return;
      }
      info(
        `${queue.queueUrl}: ${planned.length} message(s) selected of ${held.length} received:\n${formatPlan(planned)}`,
      );
      if (options.dryRun) {
        info("Dry run: nothing was re-driven or deleted.\n");
        if (missing.length > 0) io.setExitCode(EXIT_CODES.usage);
        return;
      }
      if (!options.yes && !(await io.confirm(`Replay these ${planned.length} message(s)? [y/N] `))) {
        throw new UsageError("cancelled: nothing was re-driven or deleted");
      }
      const outcomes = await replayDeadLetters(
        planned,
        {
          delete: async (message) => {
            await queue.delete(message);
            deleted.add(message.messageId);
          },
        },
        awsRedrive({
          lambda: clients.lambda,
          kinesis: clients.kinesis,
          eventBridge: clients.eventBridge,
          eventBusName: allowlist.eventBusName,
        }),
      );
      report(io, outcomes, options);
      if (outcomes.some((outcome) => outcome.accessDenied)) io.setExitCode(EXIT_CODES.runtime);
      else if (missing.length > 0 || outcomes.some((outcome) => outcome.stays))
        io.setExitCode(EXIT_CODES.usage);
    } finally {
      await releaseAll(
        io,
        queue,
        held.filter((message) => !deleted.has(message.messageId)),
      );
    }
  });
}

/**
 * What replay may call, from the stack itself: a dead letter is data that anyone able to send to
 * the queue could have written, and replay runs with the operator's credentials.
 */
async function stackAllowlist(
  client: CloudFormationClient,
  options: ReplayOptions,
): Promise<ReplayAllowlist> {
  if (options.endpoint !== undefined) {
    throw new UsageError(
      "replay re-drives only to the stack's own functions, stream and rules, read from the stack: it cannot run against --endpoint",
    );
  }
  const { stackId, outputs } = await readStack(client, options.stack);
  const allowlist = replayAllowlistOf(stackId, outputs);
  if ("missing" in allowlist) {
    throw new CliError(
      `stack ${options.stack} lacks ${allowlist.missing.join(", ")}, which replay needs to know its own targets and senders: deploy the current version (npx cdk deploy); nothing was received or re-driven`,
      EXIT_CODES.runtime,
    );
  }
  return allowlist;
}

function report(io: CliIo, outcomes: readonly ReplayOutcome[], options: ReplayOptions): void {
  io.out(options.json ? `${JSON.stringify(outcomes, null, 2)}\n` : formatOutcomes(outcomes));
  const count = (status: ReplayOutcome["status"]) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  const stay = outcomes.filter((outcome) => outcome.stays).length;
  io.err(
    `Replayed ${count("replayed")}, removed ${count("removed")}, kept ${count("kept")}, failed ${count("failed")}, ` +
      `expired ${count("expired")}; ` +
      `${stay} stay in the queue.\n`,
  );
}

function select(held: readonly HeldMessage[], options: ReplayOptions) {
  const ids = new Set(options.id ?? []);
  const kinds = new Set(options.kind ?? DEAD_LETTER_KINDS);
  return held
    .map((message) => ({ message, letter: classifyDeadLetter(message) }))
    .filter(({ letter }) => (ids.size === 0 || ids.has(letter.messageId)) && kinds.has(letter.kind));
}

/** Makes received messages visible again; a failure only delays that until their timeout ends. */
async function releaseAll(
  io: CliIo,
  queue: SqsDeadLetterQueue,
  messages: readonly HeldMessage[],
): Promise<void> {
  if (messages.length === 0) return;
  try {
    const refused = await queue.release(messages);
    if (refused.length > 0) {
      io.err(
        `warning: ${refused.length} message(s) stay hidden until their visibility timeout ends: ${refused.join(", ")}\n`,
      );
    }
  } catch (error) {
    io.err(
      `warning: could not make the received messages visible again (${(error as Error).message}); they reappear after their visibility timeout\n`,
    );
  }
}
