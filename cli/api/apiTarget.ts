import type { CloudFormationClient } from "@aws-sdk/client-cloudformation";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { type Command, InvalidArgumentError, Option } from "commander";
import { UsageError } from "../errors.ts";
import { DEFAULT_STACK, httpUrlParser, resolveStackOutput } from "../target.ts";
import { OperatorApiClient } from "./operatorApiClient.ts";
import { sigV4Signer } from "./requestSigner.ts";

/** The operator API of the embedded local stack (`npm start`). */
export const LOCAL_API_URL = "http://localhost:8080/api";
const DEFAULT_TIMEOUT_SECONDS = 30;
const httpUrl = httpUrlParser(LOCAL_API_URL);

/** Where an operator command sends its requests: a deployed stack's API, a given URL, or the local stack. */
export interface ApiTargetOptions {
  readonly stack: string;
  readonly region?: string;
  readonly profile?: string;
  readonly apiUrl?: string;
  /** `--local` alone is `true`: the default local URL. */
  readonly local?: string | true;
  /** Seconds. */
  readonly timeout: number;
}

/** What tests replace: the credentials and the CloudFormation client used to find the API. */
export interface ApiDependencies {
  readonly credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly cloudFormation?: CloudFormationClient;
}

/** `--stack`, `--region`, `--profile`, `--api-url`, `--local [url]`, `--timeout`, alike on every operator command. */
export function addApiTargetOptions(command: Command): Command {
  return command
    .option(
      "--stack <name>",
      "CloudFormation stack of the deployment, whose output ApiUrl is the API",
      DEFAULT_STACK,
    )
    .option("--region <region>", "AWS region (default: from the API URL, else the environment)")
    .option("--profile <name>", "named AWS profile for signing (default: the default credential chain)")
    .addOption(
      new Option("--api-url <url>", "the operator API's URL instead of the stack output; requests are signed")
        .argParser(httpUrl)
        .conflicts("local"),
    )
    .addOption(
      new Option("--local [url]", `the local stack's API, unsigned (default ${LOCAL_API_URL})`).argParser(
        httpUrl,
      ),
    )
    .option(
      "--timeout <seconds>",
      "give up on a request after this long",
      positiveSeconds,
      DEFAULT_TIMEOUT_SECONDS,
    );
}

function positiveSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 900) {
    throw new InvalidArgumentError("expected a number of seconds, more than 0 and at most 900");
  }
  return seconds;
}

/**
 * The client for the target: the local stack unsigned; otherwise `--api-url` or the stack output
 * ApiUrl, signed with SigV4 for the region of the URL.
 */
export async function operatorApiClient(
  options: ApiTargetOptions,
  dependencies: ApiDependencies = {},
): Promise<OperatorApiClient> {
  const timeoutMs = options.timeout * 1000;
  if (options.local !== undefined) {
    return new OperatorApiClient({
      baseUrl: options.local === true ? LOCAL_API_URL : options.local,
      timeoutMs,
      unreachableHint: "is the local stack running? start it with npm start",
    });
  }
  const baseUrl = await resolveStackOutput(
    options,
    "apiUrl",
    { value: options.apiUrl, flag: "--api-url" },
    dependencies.cloudFormation,
  );
  const credentials =
    dependencies.credentials ??
    defaultProvider(options.profile === undefined ? {} : { profile: options.profile });
  return new OperatorApiClient({
    baseUrl,
    timeoutMs,
    signer: sigV4Signer({ region: signingRegion(baseUrl, options.region), credentials }),
  });
}

const EXECUTE_API_HOST = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** The region a request to `url` is signed for: the API's own (in its host name), else `--region` or the environment. */
export function signingRegion(
  url: string,
  region: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const fromHost = EXECUTE_API_HOST.exec(new URL(url).hostname)?.[1];
  const found = fromHost ?? region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (found === undefined || found === "") {
    throw new UsageError(`cannot tell which region ${url} is in, to sign requests for it: pass --region`);
  }
  return found;
}
