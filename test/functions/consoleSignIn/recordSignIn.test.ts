import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRecordSignIn } from "../../../functions/consoleSignIn/recordSignIn.ts";
import { DynamoDbOperatorDirectory } from "../../../shared/adapters/aws/dynamoDbOperatorDirectory.ts";
import { postAuthenticationEvent } from "../../support/cognitoEvents.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { createOperatorDirectoryTable } from "../../support/dynaliteTables.ts";
import { manualClock } from "../../support/testClock.ts";
import { recordingReporting } from "../reportingPorts.ts";

const T0 = Date.parse("2026-12-01T06:00:00.000Z");

const signIn = (attributes: Record<string, string>) => postAuthenticationEvent(attributes, "u-1");

describe("the console sign-in trigger (post authentication)", () => {
  let dynamo: LocalDynamo;
  let directory: DynamoDbOperatorDirectory;
  const clock = manualClock(T0);

  beforeAll(async () => {
    dynamo = await startDynalite();
    const tableName = await createOperatorDirectoryTable(dynamo.client, "operators");
    directory = new DynamoDbOperatorDirectory({ client: dynamo.client, tableName, clock, cacheTtlMs: 0 });
  });
  afterAll(async () => {
    await dynamo?.stop();
  });

  it("records the user's sub and e-mail, and a later sign-in the changed e-mail", async () => {
    const reporting = recordingReporting();
    const trigger = createRecordSignIn({ directory, log: reporting.log });
    const sub = "11111111-2222-4333-8444-555555555555";

    await trigger(signIn({ sub, email: "olga@example.com" }));
    expect(await directory.nameOf(sub)).toBe("olga@example.com");
    await trigger(signIn({ sub, email: "olga.k@example.com" }));
    expect(await directory.nameOf(sub)).toBe("olga.k@example.com");
    expect(reporting.lines).toEqual([]);
  });

  it("lets the sign-in through when the directory cannot be written, and says so", async () => {
    const reporting = recordingReporting();
    const broken = new DynamoDbOperatorDirectory({
      client: dynamo.client,
      tableName: "no-such-table",
      clock,
    });
    const trigger = createRecordSignIn({ directory: broken, log: reporting.log });
    const event = signIn({ sub: "11111111-2222-4333-8444-666666666666", email: "vera@example.com" });

    expect(await trigger(event)).toBe(event);
    expect(reporting.lines).toEqual([
      expect.stringMatching(
        /^error could not record the console user; their actions are recorded by sub: .*not found/i,
      ),
    ]);
  });

  it("records nothing, and says so, for a sign-in without a sub", async () => {
    const reporting = recordingReporting();
    const trigger = createRecordSignIn({ directory, log: reporting.log });

    await trigger(signIn({ email: "x@example.com" }));

    expect(reporting.lines).toEqual(["error sign-in without a sub or e-mail; not recorded"]);
  });
});
