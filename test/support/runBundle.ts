import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Invocation {
  readonly event: unknown;
  /** What `context.getRemainingTimeInMillis()` answers. */
  readonly remainingMs?: number;
}

export type InvocationResult = { ok: unknown } | { error: { name: string; message: string } };

export interface BundleRun {
  readonly results: InvocationResult[];
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const RUNNER = `
import { randomUUID } from "node:crypto";
const [entry, exported, invocationsJson] = process.argv.slice(2);
const invocations = JSON.parse(invocationsJson);
const mod = await import(entry);
const results = [];
for (const { event, remainingMs = 30000 } of invocations) {
  const started = Date.now();
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME, functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:" + process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: "512", awsRequestId: randomUUID(), logGroupName: "/aws/lambda/test", logStreamName: "test",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs - (Date.now() - started),
  };
  try { results.push({ ok: await mod[exported](event, context) }); }
  catch (error) { results.push({ error: { name: error.name, message: error.message } }); }
}
process.stdout.write("\\n@@RESULTS@@" + JSON.stringify(results) + "\\n");
`;

/** Runs a bundled handler in a fresh Node process, as the Lambda runtime would import it. */
export function runBundle(
  bundle: { entry: string; handler: string },
  invocations: readonly Invocation[],
  env: Readonly<Record<string, string>>,
): Promise<BundleRun> {
  const runner = join(tmpdir(), "plantwatch-bundle-runner.mjs");
  writeFileSync(runner, RUNNER);
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [runner, bundle.entry, bundle.handler, JSON.stringify(invocations)],
      { env: { PATH: process.env.PATH ?? "", ...env }, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => {
        const marker = stdout.lastIndexOf("@@RESULTS@@");
        const results =
          marker >= 0 ? (JSON.parse(stdout.slice(marker + 11).trim()) as InvocationResult[]) : [];
        resolve({ results, stdout, stderr, exitCode: error ? Number(error.code ?? 1) : 0 });
      },
    );
  });
}
