/**
 * Per function: the size of the bundle `cdk synth` produces (exactly what `cdk deploy` uploads), what
 * fills it (esbuild metafile, same options), and module init time in a fresh Node process against a
 * bare process that imports and creates only the same SDK clients, bundled the same way.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BuildOptions, build } from "esbuild";
import { buildApp } from "../infra/app.ts";
import {
  UNBUNDLED_CREDENTIAL_PROVIDERS,
  UNUSED_CREDENTIAL_PROVIDER,
} from "../infra/constructs/PlantwatchFunction.ts";
import { PROJECT_ROOT } from "../infra/projectPaths.ts";
import type { BenchProfile } from "./profile.ts";

const run = promisify(execFile);

export const FUNCTIONS = ["ingest", "evaluate", "sweep", "notify", "api"] as const;
export const BUNDLE_GOAL_BYTES = 300 * 1024;

/** SDK packages a function may bundle, and how the bare process creates the client. */
const SDK_CLIENTS: Record<string, { readonly name: string; readonly create: string }> = {
  "@aws-sdk/client-dynamodb": { name: "DynamoDBClient", create: "new DynamoDBClient({})" },
  "@aws-sdk/lib-dynamodb": {
    name: "DynamoDBDocumentClient",
    create: "DynamoDBDocumentClient.from(new DynamoDBClient({}))",
  },
  "@aws-sdk/client-s3": { name: "S3Client", create: "new S3Client({})" },
  "@aws-sdk/client-timestream-write": {
    name: "TimestreamWriteClient",
    create: "new TimestreamWriteClient({})",
  },
  "@aws-sdk/client-timestream-query": {
    name: "TimestreamQueryClient",
    create: "new TimestreamQueryClient({})",
  },
  "@aws-sdk/client-eventbridge": { name: "EventBridgeClient", create: "new EventBridgeClient({})" },
  "@aws-sdk/client-sns": { name: "SNSClient", create: "new SNSClient({})" },
  "@aws-sdk/client-sqs": { name: "SQSClient", create: "new SQSClient({})" },
};

export interface FunctionResult {
  readonly name: string;
  /** index.mjs as uploaded; the source map beside it is reported apart (it is uploaded too, but never loaded unless an error is mapped). */
  readonly bundleBytes: number;
  readonly sourceMapBytes: number;
  readonly largestInputs: readonly { readonly package: string; readonly bytes: number }[];
  readonly sdkClients: readonly string[];
  /** Median CPU time (user + system) of the import, ms: what it takes on a core of its own, as on Lambda. */
  readonly initMs: number;
  readonly bareInitMs: number;
  /** Median wall time of the same imports, ms: on a shared machine this also counts the neighbours' load. */
  readonly initWallMs: number;
  readonly bareInitWallMs: number;
  readonly bareBundleBytes: number;
  /** initMs ÷ bareInitMs (goal ≤ 1.2). */
  readonly initRatio: number;
}

interface LambdaResource {
  Type: string;
  Properties: { Code: { S3Key: string }; Environment?: { Variables?: Record<string, unknown> } };
}

/**
 * Same options as PlantwatchFunction's `bundling` block, as NodejsFunction hands them to esbuild,
 * source map and credential-provider stub included: the functions run with `--enable-source-maps`,
 * so Node reads and parses each bundle's map at import, and the bare bundle pays that for its own map.
 */
export const ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node24",
  mainFields: ["module", "main"],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  alias: Object.fromEntries(UNBUNDLED_CREDENTIAL_PROVIDERS.map((pkg) => [pkg, UNUSED_CREDENTIAL_PROVIDER])),
};

/**
 * Times one import in a fresh process. CPU time is the figure judged: the import is CPU-bound (its
 * files are in the page cache), so on an idle core wall time equals it, while on a shared machine
 * wall time swings with whatever else runs (medians of 1.1× to 2× for one build, measured).
 */
const RUNNER = `
const started = performance.now();
const cpu = process.cpuUsage();
await import(process.argv[2]);
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started }));
`;

export async function benchBundles(profile: BenchProfile): Promise<FunctionResult[]> {
  const work = mkdtempSync(join(tmpdir(), "plantwatch-bench-"));
  try {
    const { app, config } = buildApp({ outdir: join(work, "cdk.out"), nag: false });
    const stack = app.synth().getStackByName(config.stackName);
    const manifest = JSON.parse(
      readFileSync(join(work, "cdk.out", `${stack.stackName}.assets.json`), "utf8"),
    ) as {
      files: Record<
        string,
        { source: { path: string }; destinations: Record<string, { objectKey: string }> }
      >;
    };
    const functions = Object.values(stack.template.Resources as Record<string, LambdaResource>).filter(
      (resource) => resource.Type === "AWS::Lambda::Function",
    );
    const runner = join(work, "runner.mjs");
    writeFileSync(runner, RUNNER);

    const results: FunctionResult[] = [];
    for (const name of FUNCTIONS) {
      const fn = functions.find((f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === name);
      if (!fn) throw new Error(`no function ${name} in the template`);
      const asset = Object.values(manifest.files).find((file) =>
        Object.values(file.destinations).some((d) => d.objectKey === fn.Properties.Code.S3Key),
      );
      if (!asset) throw new Error(`no asset for ${name}`);
      const entry = join(work, "cdk.out", asset.source.path, "index.mjs");
      const env = lambdaEnvironment(fn.Properties.Environment?.Variables ?? {});

      const analysis = await analyse(name);
      const bare = join(work, `bare-${name}.mjs`);
      await build({
        ...ESBUILD_OPTIONS,
        stdin: {
          contents: bareSource(analysis.sdkClients),
          resolveDir: PROJECT_ROOT,
          loader: "js",
        },
        outfile: bare,
      });
      const inits = await medianInits(runner, entry, bare, env, profile.initSpawns);
      results.push({
        name,
        bundleBytes: statSync(entry).size,
        sourceMapBytes: statSync(`${entry}.map`, { throwIfNoEntry: false })?.size ?? 0,
        largestInputs: analysis.largest,
        sdkClients: analysis.sdkClients,
        ...inits,
        bareBundleBytes: statSync(bare).size,
        initRatio: inits.initMs / inits.bareInitMs,
      });
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Named imports, as the functions import them, so the bare bundle holds the clients and not every command. */
function bareSource(packages: readonly string[]): string {
  const clients = packages.map((pkg) => ({ pkg, ...(SDK_CLIENTS[pkg] as { name: string; create: string }) }));
  const needsDynamo =
    clients.some((c) => c.pkg === "@aws-sdk/lib-dynamodb") && !packages.includes("@aws-sdk/client-dynamodb");
  const imports = clients.map((c) => `import { ${c.name} } from ${JSON.stringify(c.pkg)};`);
  if (needsDynamo) imports.push('import { DynamoDBClient } from "@aws-sdk/client-dynamodb";');
  return [...imports, `globalThis.clients = [${clients.map((c) => c.create).join(", ")}];`].join("\n");
}

/** A value of the right shape for a variable the template sets from a token (an ARN, the InfluxDB URL). */
function placeholderFor(key: string): string {
  if (key.endsWith("SECRET_ARN")) return "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-Ab12Cd";
  if (key.endsWith("_ARN")) return "arn:aws:sns:eu-west-1:123456789012:bench";
  if (key.endsWith("_URL")) return "https://bench.invalid:8086";
  return `bench-${key.toLowerCase()}`;
}

/** The template's environment with placeholders for tokens, plus what the Lambda runtime sets. */
function lambdaEnvironment(variables: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    env[key] = typeof value === "string" ? value : placeholderFor(key);
  }
  return {
    ...env,
    PATH: process.env.PATH ?? "",
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDBENCH",
    AWS_SECRET_ACCESS_KEY: "bench",
    AWS_LAMBDA_FUNCTION_NAME: "plantwatch-bench",
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
  };
}

/** Function and bare process alternate, so load from elsewhere falls on both alike; medians of each. */
async function medianInits(
  runner: string,
  entry: string,
  bare: string,
  env: Record<string, string>,
  spawns: number,
) {
  const importTimes = async (file: string) => {
    const { stdout } = await run(process.execPath, [runner, file], { env });
    return JSON.parse(stdout.slice(stdout.lastIndexOf("{"))) as { cpuMs: number; wallMs: number };
  };
  const fn: { cpuMs: number; wallMs: number }[] = [];
  const base: { cpuMs: number; wallMs: number }[] = [];
  for (let i = 0; i < spawns; i++) {
    fn.push(await importTimes(entry));
    base.push(await importTimes(bare));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  return {
    initMs: median(fn.map((t) => t.cpuMs)),
    bareInitMs: median(base.map((t) => t.cpuMs)),
    initWallMs: median(fn.map((t) => t.wallMs)),
    bareInitWallMs: median(base.map((t) => t.wallMs)),
  };
}

/** What fills a bundle, by package (or source folder), from esbuild's metafile. */
async function analyse(name: string) {
  const result = await build({
    ...ESBUILD_OPTIONS,
    entryPoints: [join(PROJECT_ROOT, "functions", name, "handler.ts")],
    outfile: join(tmpdir(), `plantwatch-bench-${name}.mjs`),
    write: false,
    metafile: true,
  });
  // The bundle, not its source map (an output too, with no inputs).
  const output = Object.entries(result.metafile?.outputs ?? {}).find(([path]) => path.endsWith(".mjs"))?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const key = match ? (match[1] as string) : path.split("/").slice(0, 2).join("/");
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  const largest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([pkg, bytes]) => ({ package: pkg, bytes }));
  const sdkClients = Object.keys(SDK_CLIENTS).filter((pkg) => byPackage.has(pkg));
  if (sdkClients.length === 0) throw new Error(`no SDK client found in the ${name} bundle's metafile`);
  return { largest, sdkClients };
}
