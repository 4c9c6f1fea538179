import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson, isSigned } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

const TARGET_PREFIX = "secretsmanager.";
const ARN_PREFIX = `arn:aws:secretsmanager:${TEST_CLIENT_CONFIG.region}:123456789012:secret:`;

/** Request-level failures the fake can be told to answer with, as the service names them. */
export const SECRETS_MANAGER_FAULTS = {
  accessDenied: { status: 400, type: "AccessDeniedException", message: "User is not authorized" },
  internal: { status: 500, type: "InternalServiceError", message: "An error occurred on the server side." },
  kmsDisabled: {
    status: 400,
    type: "InvalidRequestException",
    message: "Access to KMS is not allowed",
  },
} as const;
export type SecretsManagerFault = keyof typeof SECRETS_MANAGER_FAULTS;

export interface RecordedSecretsRequest {
  /** The operation from `x-amz-target`, e.g. `GetSecretValue`. */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly contentType: string;
  /** Whether the request carried a SigV4 `Authorization` header (unsigned ones are refused). */
  readonly signed: boolean;
}

export interface FakeSecretsManager extends LocalServer {
  /** Every request received, in arrival order. */
  readonly requests: readonly RecordedSecretsRequest[];
  /**
   * Sets a secret's value as a new current version, creating the secret if needed. `secretId` is an
   * ARN (kept as the secret's ARN, its name taken from it) or a plain name (an ARN is made up).
   * Returns the ARN.
   */
  put(secretId: string, secretString: string): string;
  /** The AWSCURRENT value, by ARN or name; undefined when the secret does not exist. */
  current(secretId: string): string | undefined;
  /** Every value the secret held, oldest first. */
  versions(secretId: string): string[];
  /** Deletes the secret at once (as `ForceDeleteWithoutRecovery` would). */
  remove(secretId: string): void;
  /** Answers the next `times` (default 1) requests (of `operation`, default any) with `fault`. */
  fail(fault: SecretsManagerFault, options?: { readonly operation?: string; readonly times?: number }): void;
}

/** A Secrets Manager client for a local endpoint; `maxAttempts: 1` so each request is seen once. */
export function localSecretsManagerClient(endpoint: string): SecretsManagerClient {
  return new SecretsManagerClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

interface StoredSecret {
  readonly arn: string;
  readonly name: string;
  readonly created: number;
  readonly versions: { readonly id: string; readonly value: string }[];
}

const invalid = (message: string) => new FakeServiceError(400, "InvalidParameterException", message);
const notFound = () =>
  new FakeServiceError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

/**
 * A local Secrets Manager endpoint speaking what @aws-sdk/client-secrets-manager sends: the AWS
 * JSON 1.1 protocol (`X-Amz-Target: secretsmanager.<Operation>`, `content-type:
 * application/x-amz-json-1.1`, SigV4-signed). GetSecretValue and PutSecretValue on in-memory
 * secrets found by ARN or name, with PutSecretValue's idempotency on `ClientRequestToken`.
 */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const secrets: StoredSecret[] = [];

  const find = (secretId: unknown): StoredSecret | undefined =>
    secrets.find((secret) => secret.arn === secretId || secret.name === secretId);
  const existing = (secretId: unknown): StoredSecret => {
    if (typeof secretId !== "string" || secretId.length === 0 || secretId.length > 2048) {
      throw invalid("SecretId must be a string of 1 to 2048 characters.");
    }
    const secret = find(secretId);
    if (secret === undefined) throw notFound();
    return secret;
  };

  const operations: Record<string, (call: FakeCall) => unknown> = {
    GetSecretValue: (call) => {
      const body = call.body as Record<string, unknown>;
      const secret = existing(body.SecretId);
      const version = secret.versions.at(-1);
      if (version === undefined) throw notFound();
      return {
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.id,
        SecretString: version.value,
        VersionStages: ["AWSCURRENT"],
        CreatedDate: secret.created / 1000,
      };
    },
    PutSecretValue: (call) => {
      const body = call.body as Record<string, unknown>;
      const secret = existing(body.SecretId);
      if (typeof body.SecretString !== "string" || body.SecretBinary !== undefined) {
        throw invalid("You must provide either SecretString or SecretBinary.");
      }
      const token = body.ClientRequestToken;
      if (typeof token !== "string" || token.length < 32 || token.length > 64) {
        throw invalid("ClientRequestToken must be 32 to 64 characters.");
      }
      const same = secret.versions.find((version) => version.id === token);
      if (same !== undefined && same.value !== body.SecretString) {
        throw new FakeServiceError(
          400,
          "ResourceExistsException",
          "You can't modify an existing version, you can only create a new version.",
        );
      }
      if (same === undefined) secret.versions.push({ id: token, value: body.SecretString });
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: ["AWSCURRENT"] };
    },
  };

  const endpoint = await startFakeEndpoint<RecordedSecretsRequest>({
    services: [{ protocol: awsJson({ targetPrefix: TARGET_PREFIX, version: "1.1" }), operations }],
    record: ({ request, call }) => ({
      operation: (request.headers["x-amz-target"] ?? "").replace(TARGET_PREFIX, ""),
      body: (call?.body ?? {}) as Record<string, unknown>,
      contentType: request.headers["content-type"] ?? "",
      signed: isSigned(request),
    }),
  });

  return {
    ...endpoint,
    put: (secretId, secretString) => {
      const version = { id: randomUUID(), value: secretString };
      const secret = find(secretId);
      if (secret) {
        secret.versions.push(version);
        return secret.arn;
      }
      const isArn = secretId.startsWith("arn:");
      const name = isArn
        ? secretId.slice(secretId.indexOf(":secret:") + 8).replace(/-[A-Za-z0-9]{6}$/, "")
        : secretId;
      const arn = isArn ? secretId : `${ARN_PREFIX}${name}-${randomUUID().replace(/-/g, "").slice(0, 6)}`;
      secrets.push({ arn, name, created: Date.now(), versions: [version] });
      return arn;
    },
    current: (secretId) => find(secretId)?.versions.at(-1)?.value,
    versions: (secretId) => find(secretId)?.versions.map((version) => version.value) ?? [],
    remove: (secretId) => {
      const secret = find(secretId);
      if (secret) secrets.splice(secrets.indexOf(secret), 1);
    },
    fail: (fault, { operation, times = 1 } = {}) => {
      const { status, type, message } = SECRETS_MANAGER_FAULTS[fault];
      endpoint.script(operation, new FakeServiceError(status, type, message), { times });
    },
  };
}
