import { dlqCommand } from "../cli/commands/dlq.ts";
import { runCli } from "../test/support/cliHarness.ts";
import { type FakeDeployment, startFakeDeployment } from "../test/support/fakeDeployment.ts";
import { localEventBridgeClient } from "../test/support/fakeEventBridge.ts";
import { localKinesisClient } from "../test/support/fakeKinesis.ts";
import { type FakeLambda, localLambdaClient, startFakeLambda } from "../test/support/fakeLambda.ts";
import { type FakeSqs, localSqsClient, startFakeSqs } from "../test/support/fakeSqs.ts";

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const STACK = "plantwatch-dev";

/** The deployment the dead letters come from, as `dlq replay` reads it from the stack. */
export const FUNCTIONS = {
  ingest: { name: `${STACK}-Ingest`, roleId: "AROAINGESTROLE0000001" },
  evaluate: { name: `${STACK}-Evaluate`, roleId: "AROAEVALUATEROLE00001" },
} as const;
export type FunctionName = keyof typeof FUNCTIONS;

const functionArn = (fn: FunctionName) =>
  `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${FUNCTIONS[fn].name}`;

const STACK_OUTPUTS = {
  IngestFunctionName: FUNCTIONS.ingest.name,
  EvaluateFunctionName: FUNCTIONS.evaluate.name,
  SweepFunctionName: `${STACK}-Sweep`,
  NotifyFunctionName: `${STACK}-Notify`,
  TelemetryRuleName: "plantwatch_dev_telemetry",
  LifecycleRuleName: "plantwatch_dev_lifecycle",
  EventBusName: "plantwatch",
  DeadLetterSenderIds: Object.values(FUNCTIONS)
    .map((fn) => fn.roleId)
    .join(","),
};

/** Lambda's asynchronous invocation: the first attempt and two retries (the stack's setting). */
const ATTEMPTS = 3;

export interface AsyncOutcomes {
  /** Invocations that ended well, first time or on a retry. */
  succeeded: number;
  /** Attempts that failed (each one retried or dead-lettered). */
  failedAttempts: number;
  /** Invocations sent to the dead-letter queue. */
  deadLettered: number;
  /** `dlq replay` runs, and the messages they re-drove. */
  replays: number;
  replayed: number;
}

/**
 * Lambda's asynchronous invocation as the telemetry rule's actions meet it: each event is tried
 * three times, then its failure record (the shape Lambda's on-failure destination sends, with the
 * function role as sender) goes to an SQS queue. `replayUntilEmpty` then runs the real
 * `plantwatch dlq replay --yes` against that queue and the stack's outputs, and hands each event
 * it re-drives (accepted by a fake Lambda endpoint) back to the function, as Lambda would.
 */
export interface AsyncLambda {
  readonly outcomes: AsyncOutcomes;
  invoke(fn: FunctionName, event: unknown): Promise<"ok" | "dead-lettered">;
  /** The events of the failure records still in the dead-letter queue. */
  deadLetters(): unknown[];
  replayUntilEmpty(options?: { readonly maxRounds?: number }): Promise<void>;
  stop(): Promise<void>;
}

export async function startAsyncLambda(
  handlers: Partial<Record<FunctionName, (event: unknown) => Promise<unknown>>>,
): Promise<AsyncLambda> {
  const [sqs, lambda, stack]: [FakeSqs, FakeLambda, FakeDeployment] = await Promise.all([
    startFakeSqs(),
    startFakeLambda(),
    startFakeDeployment({
      stackName: STACK,
      outputs: STACK_OUTPUTS,
      alarmActionSummary: undefined,
      subscriptions: [],
      ingest: () => ({ payload: null }),
      rules: {},
      queue: { visible: 0, inFlight: 0 },
    }),
  ]);
  const outcomes: AsyncOutcomes = {
    succeeded: 0,
    failedAttempts: 0,
    deadLettered: 0,
    replays: 0,
    replayed: 0,
  };

  const invoke = async (fn: FunctionName, event: unknown): Promise<"ok" | "dead-lettered"> => {
    const handler = handlers[fn];
    if (handler === undefined) throw new Error(`no handler for ${fn}`);
    let lastError: Error | undefined;
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        await handler(event);
        outcomes.succeeded++;
        return "ok";
      } catch (error) {
        lastError = error as Error;
        outcomes.failedAttempts++;
      }
    }
    outcomes.deadLettered++;
    sqs.send({
      senderId: `${FUNCTIONS[fn].roleId}:${FUNCTIONS[fn].name}`,
      body: JSON.stringify({
        version: "1.0",
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: crypto.randomUUID(),
          functionArn: `${functionArn(fn)}:$LATEST`,
          condition: "RetriesExhausted",
          approximateInvokeCount: ATTEMPTS,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
        responsePayload: { errorType: lastError?.name, errorMessage: lastError?.message },
      }),
    });
    return "dead-lettered";
  };

  const byArn = new Map(
    (Object.keys(FUNCTIONS) as FunctionName[]).map((fn) => [functionArn(fn), fn] as const),
  );

  return {
    outcomes,
    invoke,
    deadLetters: () =>
      sqs
        .messages()
        .map((message) => (JSON.parse(message.body) as { requestPayload: unknown }).requestPayload),
    async replayUntilEmpty({ maxRounds = 5 } = {}) {
      for (let round = 0; round < maxRounds && sqs.messages().length > 0; round++) {
        const mark = lambda.invocations().length;
        const run = await runCli(
          (io) =>
            dlqCommand(io, {
              clients: () => ({
                sqs: localSqsClient(sqs.endpoint),
                lambda: localLambdaClient(lambda.endpoint),
                // Only stream batches are read back from a stream; none of these are.
                kinesis: localKinesisClient(lambda.endpoint),
                eventBridge: localEventBridgeClient(lambda.endpoint),
                cloudFormation: stack.clients().cloudFormation,
              }),
            }),
          ["replay", "--yes", "--queue-url", sqs.queueUrl, "--max", "1000"],
        );
        outcomes.replays++;
        if (run.code === 2) throw new Error(`dlq replay failed: ${run.stderr}`);
        for (const invocation of lambda.invocations().slice(mark)) {
          const fn = byArn.get(invocation.functionName);
          if (fn === undefined) throw new Error(`replay invoked ${invocation.functionName}`);
          outcomes.replayed++;
          await invoke(fn, invocation.payload);
        }
      }
    },
    async stop() {
      await Promise.all([sqs.stop(), lambda.stop(), stack.stop()]);
    },
  };
}
