import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SecretUnavailableError, secretValue } from "../../../../shared/adapters/aws/secretValue.ts";
import { TEST_CLIENT_CONFIG } from "../../../support/awsClients.ts";
import { type FakeSecretsManager, startFakeSecretsManager } from "../../../support/fakeSecretsManager.ts";

const TOKEN_SECRET =
  "arn:aws:secretsmanager:eu-west-1:123456789012:secret:plantwatch-dev/series-token-AbCdEf";

describe("secretValue", () => {
  let fake: FakeSecretsManager;
  let client: SecretsManagerClient;
  let requestsBefore: number;
  const reads = () => fake.requests.slice(requestsBefore);

  beforeAll(async () => {
    fake = await startFakeSecretsManager();
    client = new SecretsManagerClient({ ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.put(TOKEN_SECRET, "token-of-the-bucket");
    requestsBefore = fake.requests.length;
  });

  it("reads the secret's string value with one signed GetSecretValue request", async () => {
    const token = secretValue({ secretId: TOKEN_SECRET, client });

    await expect(token()).resolves.toBe("token-of-the-bucket");
    expect(reads()).toEqual([
      {
        operation: "GetSecretValue",
        body: { SecretId: TOKEN_SECRET },
        contentType: "application/x-amz-json-1.1",
        signed: true,
      },
    ]);
  });

  it("calls Secrets Manager once per container, however many callers ask, at once or later", async () => {
    const token = secretValue({ secretId: TOKEN_SECRET, client });

    const together = await Promise.all([token(), token(), token()]);
    fake.put(TOKEN_SECRET, "rotated-later");
    const later = await token();

    expect(together).toEqual(["token-of-the-bucket", "token-of-the-bucket", "token-of-the-bucket"]);
    expect(later).toBe("token-of-the-bucket");
    expect(reads()).toHaveLength(1);
  });

  it("reads again after forget(), for a value the service no longer accepts (a replaced token)", async () => {
    const token = secretValue({ secretId: TOKEN_SECRET, client });
    await token();
    fake.put(TOKEN_SECRET, "replaced-token");

    token.forget();

    await expect(token()).resolves.toBe("replaced-token");
    expect(reads()).toHaveLength(2);
  });

  it("does not keep a failed read: the next call asks again and succeeds", async () => {
    const token = secretValue({ secretId: TOKEN_SECRET, client });
    fake.fail("internal");

    const failure = await token().catch((error: unknown) => error);
    const retried = await token();

    expect(failure).toBeInstanceOf(SecretUnavailableError);
    expect(failure).toMatchObject({
      name: "SecretUnavailableError",
      secretId: TOKEN_SECRET,
      retryable: true,
      message: `secret ${TOKEN_SECRET} could not be read: InternalServiceError`,
    });
    expect(retried).toBe("token-of-the-bucket");
    expect(reads()).toHaveLength(2);
  });

  it("names an unreachable Secrets Manager (connection refused) as retryable", async () => {
    const unreachable = new SecretsManagerClient({
      ...TEST_CLIENT_CONFIG,
      endpoint: "http://127.0.0.1:1",
      maxAttempts: 1,
    });
    const token = secretValue({ secretId: TOKEN_SECRET, client: unreachable });

    const failure = await token().catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: "SecretUnavailableError", retryable: true });
    expect((failure as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("names a denied read as not retryable, without any secret value in the error", async () => {
    const token = secretValue({ secretId: TOKEN_SECRET, client });
    fake.fail("accessDenied");

    const failure = (await token().catch((error: unknown) => error)) as SecretUnavailableError;

    expect(failure).toMatchObject({ name: "SecretUnavailableError", retryable: false });
    expect(failure.message).toBe(`secret ${TOKEN_SECRET} could not be read: AccessDeniedException`);
    expect(JSON.stringify({ ...failure, message: failure.message })).not.toContain("token-of-the-bucket");
  });

  it("refuses a secret with no string value yet (the token was never written)", async () => {
    const empty = `${TOKEN_SECRET}-empty`;
    fake.put(empty, "");

    await expect(secretValue({ secretId: empty, client })()).rejects.toMatchObject({
      name: "SecretUnavailableError",
      message: `secret ${empty} could not be read: it holds no string value (not set yet, or binary)`,
    });
  });

  it("builds its own client from clientConfig when none is given", async () => {
    const token = secretValue({
      secretId: TOKEN_SECRET,
      clientConfig: { ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 },
    });

    await expect(token()).resolves.toBe("token-of-the-bucket");
    expect(reads().map(({ operation }) => operation)).toEqual(["GetSecretValue"]);
  });
});

describe("secretValue of a JSON field", () => {
  let fake: FakeSecretsManager;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    fake = await startFakeSecretsManager();
    client = new SecretsManagerClient({ ...TEST_CLIENT_CONFIG, endpoint: fake.endpoint, maxAttempts: 1 });
  });
  afterAll(() => fake.stop());

  it("returns the named string field of a JSON secret", async () => {
    fake.put(TOKEN_SECRET, JSON.stringify({ token: "abc==", authorizationId: "0a1b" }));

    await expect(secretValue({ secretId: TOKEN_SECRET, jsonField: "token", client })()).resolves.toBe(
      "abc==",
    );
  });

  it.each([
    ["not JSON", "plain-token-text"],
    ["JSON without the field", JSON.stringify({ other: "x" })],
    ["a field that is not a string", JSON.stringify({ token: 42 })],
    ["an empty field", JSON.stringify({ token: "" })],
    ["JSON null", "null"],
  ])("refuses a secret that is %s, without quoting it", async (_, stored) => {
    fake.put(TOKEN_SECRET, stored);

    const failure = (await secretValue({ secretId: TOKEN_SECRET, jsonField: "token", client })().catch(
      (error: unknown) => error,
    )) as SecretUnavailableError;

    expect(failure).toMatchObject({
      name: "SecretUnavailableError",
      message: `secret ${TOKEN_SECRET} could not be read: it is not a JSON object with a non-empty string "token"`,
    });
    expect(failure.cause).toBeUndefined();
  });
});
