import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleUserSubOf, createActorResolver } from "../../../functions/api/actor.ts";
import { createRecordSignIn } from "../../../functions/consoleSignIn/recordSignIn.ts";
import { DynamoDbOperatorDirectory } from "../../../shared/adapters/aws/dynamoDbOperatorDirectory.ts";
import { historyOf } from "../../support/alarmTables.ts";
import { consoleCognitoIdentity, postAuthenticationEvent } from "../../support/cognitoEvents.ts";
import { apiEvent, TEST_PRINCIPAL, type TestOperatorApi } from "../../support/operatorApi.ts";
import { recordingReporting } from "../reportingPorts.ts";
import { startFleetApi } from "./support.ts";

const POOL = "cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf";
const OLGA_SUB = "7b1e6f0a-3c2d-4e5f-8a9b-0c1d2e3f4a5b";
const CONSOLE_ROLE =
  "arn:aws:sts::123456789012:assumed-role/plantwatch-dev-ConsoleOperator/CognitoIdentityCredentials";
const consoleIdentity = consoleCognitoIdentity;
const signIn = (sub: string, email: string) =>
  postAuthenticationEvent({ sub, email, email_verified: "true" });

describe("the recorded actor of an action", () => {
  let api: TestOperatorApi;
  let alarmId: string;

  beforeAll(async () => {
    ({ api, alarmId } = await startFleetApi());
  });
  afterAll(async () => {
    await api?.close();
  });

  async function acknowledgeAs(options: Parameters<typeof apiEvent>[2]): Promise<unknown> {
    const answer = await api.handler(
      apiEvent("POST", `/alarms/${alarmId}/ack`, { body: '{"note":"on it"}', ...options }),
      {} as never,
    );
    expect(answer.statusCode).toBe(200);
    const items = await historyOf(api.dynamo.client, api.tables.history, alarmId);
    return items.map((item) => item.actor).findLast((actor) => actor !== undefined);
  }

  /** Who a silence put by this caller was created by. */
  async function silenceCreatorAs(id: string, options: Parameters<typeof apiEvent>[2]): Promise<unknown> {
    const answer = await api.handler(
      apiEvent("PUT", `/silences/${id}`, {
        body: JSON.stringify({ match: { site: "plant-1" }, duration: "1h" }),
        ...options,
      }),
      {} as never,
    );
    expect(answer.statusCode).toBe(201);
    return (await api.deps.silences.get(id))?.createdBy;
  }

  it("is the signed-in console user's e-mail, recorded by the sign-in trigger, not the group role's session", async () => {
    const reporting = recordingReporting();
    const trigger = createRecordSignIn({ directory: api.deps.operators, log: reporting.log });
    const event = signIn(OLGA_SUB, "olga@example.com");

    expect(await trigger(event)).toBe(event);
    const actor = await acknowledgeAs({
      principal: CONSOLE_ROLE,
      cognitoIdentity: consoleIdentity(OLGA_SUB),
    });

    expect(actor).toMatchObject({ id: "olga@example.com", note: "on it" });
    expect(reporting.lines).toEqual([]);
  });

  it("is cognito:<sub> for a console user the directory does not know, never the shared role", async () => {
    const unknown = "0a0b0c0d-1111-4222-8333-444455556666";

    const creator = await silenceCreatorAs("stranger", {
      principal: CONSOLE_ROLE,
      cognitoIdentity: consoleIdentity(unknown),
    });

    expect(creator).toBe(`cognito:${unknown}`);
  });

  it("is cognito:<sub> when the directory cannot be read, so the action itself still succeeds", async () => {
    const warnings: string[] = [];
    const identify = createActorResolver(
      new DynamoDbOperatorDirectory({
        client: api.dynamo.client,
        tableName: "no-such-table",
        clock: api.clock,
      }),
      { warn: (message) => warnings.push(message), error: () => {} },
    );

    const actor = await identify(apiEvent("GET", "/alarms", { cognitoIdentity: consoleIdentity(OLGA_SUB) }));

    expect(actor).toBe(`cognito:${OLGA_SUB}`);
    expect(warnings).toEqual(["operator directory lookup failed; recorded by sub"]);
  });

  it("is the IAM principal for a CLI user (no identity pool), and the person for a console user, on silences too", async () => {
    expect(await silenceCreatorAs("cli", {})).toBe(TEST_PRINCIPAL);
    expect(await silenceCreatorAs("olga", { cognitoIdentity: consoleIdentity(OLGA_SUB) })).toBe(
      "olga@example.com",
    );
  });

  it("reads the sub only from a user pool sign-in method, lower-cased, and nothing from malformed ones", () => {
    const of = (amr: string[] | undefined) =>
      consoleUserSubOf(
        apiEvent("GET", "/alarms", {
          ...(amr && { cognitoIdentity: { identityId: "i", identityPoolId: "p", amr } }),
        }),
      );
    expect(of(consoleIdentity(OLGA_SUB.toUpperCase()).amr as string[])).toBe(OLGA_SUB);
    expect(of(undefined)).toBeUndefined();
    expect(of(["authenticated", POOL])).toBeUndefined();
    expect(of([`${POOL}:CognitoSignIn:not-a-sub`])).toBeUndefined();
    expect(of([`graph.facebook.com:${OLGA_SUB}`])).toBeUndefined();
  });
});
