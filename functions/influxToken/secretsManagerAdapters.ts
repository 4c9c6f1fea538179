import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { AdminSecretError } from "./errors.ts";
import type { AdminCredentials } from "./influxAdminApi.ts";

/** Reads the instance's admin credentials. */
export interface AdminCredentialsSource {
  read(secretArn: string): Promise<AdminCredentials>;
}

/** Keeps the token where the series functions read it. */
export interface TokenVault {
  store(secretArn: string, token: string): Promise<void>;
}

/**
 * The JSON the token secret holds: `{"token": "<InfluxDB API token>"}`. Readers take the `token`
 * field and ignore any other, so fields may be added later without breaking them.
 */
export function tokenSecretString(token: string): string {
  return JSON.stringify({ token });
}

/**
 * The admin secret Timestream for InfluxDB creates (`InfluxAuthParametersSecretArn`): JSON with
 * `username` and `password`, and also `organization` and `bucket`, which are not needed here
 * because the properties name them.
 */
export class SecretsManagerAdminCredentials implements AdminCredentialsSource {
  readonly #client: SecretsManagerClient;

  constructor(client: SecretsManagerClient) {
    this.#client = client;
  }

  async read(secretArn: string): Promise<AdminCredentials> {
    let secretString: string | undefined;
    try {
      ({ SecretString: secretString } = await this.#client.send(
        new GetSecretValueCommand({ SecretId: secretArn }),
      ));
    } catch (error) {
      const name = (error as { name?: string })?.name ?? "Error";
      throw new AdminSecretError(secretArn, `GetSecretValue failed (${name})`, {
        cause: error,
        gone: name === "ResourceNotFoundException",
      });
    }
    // The parse error's message could quote the secret, so it is neither kept nor chained.
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString ?? "");
    } catch {
      throw new AdminSecretError(secretArn, "the secret is not JSON");
    }
    const { username, password } = (parsed ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== "string" || username === "" || typeof password !== "string" || password === "") {
      throw new AdminSecretError(secretArn, 'the secret lacks a "username" or "password" string');
    }
    return { username, password };
  }
}

export class SecretsManagerTokenVault implements TokenVault {
  readonly #client: SecretsManagerClient;

  constructor(client: SecretsManagerClient) {
    this.#client = client;
  }

  async store(secretArn: string, token: string): Promise<void> {
    await this.#client.send(
      new PutSecretValueCommand({ SecretId: secretArn, SecretString: tokenSecretString(token) }),
    );
  }
}
