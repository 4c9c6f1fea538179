import {
  GetSecretValueCommand,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
} from "@aws-sdk/client-secrets-manager";
import { PlantwatchError } from "../../errors.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import { isTransient } from "./retry.ts";

export type SecretValueOptions = {
  /** ARN (or name) of the secret; its current version (`AWSCURRENT`) is read. */
  readonly secretId: string;
  /** The secret is a JSON object and the value is this string field of it. @default - the whole secret string */
  readonly jsonField?: string;
} & ClientOrConfig<SecretsManagerClient, SecretsManagerClientConfig>;

/**
 * The secret could not be read (denied, missing, no string value, Secrets Manager unreachable).
 * The message names the secret and the cause's error name, never a value.
 */
export class SecretUnavailableError extends PlantwatchError {
  readonly secretId: string;

  constructor(secretId: string, reason: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(`secret ${secretId} could not be read: ${reason}`, options);
    this.name = "SecretUnavailableError";
    this.secretId = secretId;
  }
}

/** Reads the secret (cached); `forget()` drops the cached value so the next read asks again. */
export type SecretReader = (() => Promise<string>) & { readonly forget: () => void };

/**
 * A reader of one secret's string value that calls Secrets Manager once per container (cold start):
 * every caller shares the first read's promise. A failed read is not kept, so the next call tries
 * again instead of failing until the container is recycled; `forget()` does the same for a value
 * the service no longer accepts (a replaced token). The value is only ever returned: it is
 * not logged, and it never appears in an error.
 */
export function secretValue(options: SecretValueOptions): SecretReader {
  const client = options.client ?? new SecretsManagerClient(options.clientConfig ?? {});
  let pending: Promise<string> | undefined;
  const reader = () => {
    pending ??= read(client, options.secretId, options.jsonField).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return Object.assign(reader, {
    forget: () => {
      pending = undefined;
    },
  });
}

async function read(client: SecretsManagerClient, secretId: string, jsonField?: string): Promise<string> {
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId })));
  } catch (error) {
    const name = error instanceof Error ? error.name : "UnknownError";
    throw new SecretUnavailableError(secretId, name, { cause: error, retryable: isTransient(error) });
  }
  if (secretString === undefined || secretString === "") {
    throw new SecretUnavailableError(secretId, "it holds no string value (not set yet, or binary)");
  }
  return jsonField === undefined ? secretString : fieldOf(secretString, secretId, jsonField);
}

function fieldOf(secretString: string, secretId: string, jsonField: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(secretString) as Record<string, unknown> | null)?.[jsonField];
  } catch {
    // The parser's message would quote the secret: say only what was expected.
  }
  if (typeof value !== "string" || value === "") {
    throw new SecretUnavailableError(
      secretId,
      `it is not a JSON object with a non-empty string "${jsonField}"`,
    );
  }
  return value;
}
