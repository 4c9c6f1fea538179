import { randomUUID } from "node:crypto";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type LocalServer, startLocalServer } from "./localHttpServer.ts";

const TARGET_PREFIX = "secretsmanager.";
const JSON_1_1 = "application/x-amz-json-1.1";
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

class SecretsFailure extends Error {
  readonly status: number;
  readonly type: string;

  constructor(status: number, type: string, message: string) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

const invalid = (message: string) => new SecretsFailure(400, "InvalidParameterException", message);
const notFound = () =>
  new SecretsFailure(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");

/**
 * A local Secrets Manager endpoint speaking what @aws-sdk/client-secrets-manager sends: the AWS
 * JSON 1.1 protocol (`X-Amz-Target: secretsmanager.<Operation>`, `content-type:
 * application/x-amz-json-1.1`, SigV4-signed). GetSecretValue and PutSecretValue on in-memory
 * secrets found by ARN or name, with PutSecretValue's idempotency on `ClientRequestToken`.
 */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const requests: RecordedSecretsRequest[] = [];
  const secrets: StoredSecret[] = [];
  const faults: { operation?: string; fault: SecretsManagerFault; remaining: number }[] = [];

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

  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    GetSecretValue: (body) => {
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
    PutSecretValue: (body) => {
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
        throw new SecretsFailure(
          400,
          "ResourceExistsException",
          "You can't modify an existing version, you can only create a new version.",
        );
      }
      if (same === undefined) secret.versions.push({ id: token, value: body.SecretString });
      return { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: ["AWSCURRENT"] };
    },
  };

  const server = await startLocalServer(({ method, url, headers, body }) => {
    const target = String(headers["x-amz-target"] ?? "");
    const contentType = String(headers["content-type"] ?? "");
    const signed = String(headers.authorization ?? "").startsWith("AWS4-HMAC-SHA256 Credential=");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let parsed: Record<string, unknown> = {};
    let status = 200;
    let answer: unknown;
    let failure: SecretsFailure | undefined;
    try {
      try {
        parsed = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        throw new SecretsFailure(400, "SerializationException", "body is not JSON");
      }
      const handler = operations[operation];
      if (method !== "POST" || url !== "/" || contentType !== JSON_1_1 || !signed) {
        throw new SecretsFailure(
          400,
          "UnrecognizedClientException",
          `unsupported: ${method} ${url} ${target}`,
        );
      }
      if (handler === undefined) {
        throw new SecretsFailure(400, "UnknownOperationException", `unknown operation ${target}`);
      }
      const scripted = faults.find(
        (candidate) => (candidate.operation ?? operation) === operation && candidate.remaining > 0,
      );
      if (scripted) {
        scripted.remaining--;
        const fault = SECRETS_MANAGER_FAULTS[scripted.fault];
        throw new SecretsFailure(fault.status, fault.type, fault.message);
      }
      answer = handler(parsed);
    } catch (error) {
      failure =
        error instanceof SecretsFailure
          ? error
          : new SecretsFailure(500, "InternalServiceError", String(error));
      status = failure.status;
      answer = { __type: failure.type, message: failure.message };
    }
    requests.push({ operation, body: parsed, contentType, signed });
    return {
      status,
      headers: { "content-type": JSON_1_1, "x-amzn-requestid": randomUUID() },
      body: JSON.stringify(answer),
    };
  });

  return {
    ...server,
    requests,
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
      faults.push({ ...(operation === undefined ? {} : { operation }), fault, remaining: times });
    },
  };
}
