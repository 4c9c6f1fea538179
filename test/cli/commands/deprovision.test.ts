import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { deprovisionCommand } from "../../../cli/commands/deprovision.ts";
import { provisionCommand } from "../../../cli/commands/provision.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { type FakeIot, startFakeIot } from "../../support/fakeIot.ts";
import { localTarget, POLICY, registryItem, runProvisioningCli, tempDir } from "./provisioningHarness.ts";

const EMPTY = { things: {}, certificates: {}, policyTargets: {} };

describe("plantwatch deprovision", () => {
  let dynamo: LocalDynamo;
  let iot: FakeIot;
  let out: string;
  let counter = 0;
  let names: [string, string];
  const target = () => localTarget(iot, dynamo).slice(0, 6);
  const provision = (name: string) =>
    runProvisioningCli(provisionCommand, [
      name,
      "--site",
      "plant-1",
      "--out",
      out,
      ...localTarget(iot, dynamo),
    ]);
  const deprovision = (args: readonly string[], terminal = {}) =>
    runProvisioningCli(deprovisionCommand, [...args, ...target()], terminal);

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    iot = await startFakeIot({ policies: [POLICY] });
    out = tempDir("deprovision");
    counter++;
    names = [`mixer-${counter}a`, `mixer-${counter}b`];
    for (const name of names) expect((await provision(name)).code).toBe(0);
  });
  afterEach(async () => {
    await iot.stop();
  });

  it("removes certificates, things, registry items and files, in IoT's order", async () => {
    const [first, second] = names;
    const mark = iot.requests.length;

    const run = await deprovision([first, second, "--yes", "--remove-files", out, "--concurrency", "1"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^${first}: deleted: certificate [0-9a-f]{10} deleted; thing deleted; registry item deleted; 4 file\\(s\\) removed from ${join(out, first)}\n`,
      ),
    );
    expect(run.stdout).toContain("2 deleted, 0 already gone, 0 failed\n");
    expect(iot.operations().slice(mark, mark + 9)).toEqual([
      "DescribeThing",
      "ListThingPrincipals",
      "ListPrincipalThings",
      "ListAttachedPolicies",
      "DetachPolicy",
      "DetachThingPrincipal",
      "UpdateCertificate",
      "DeleteCertificate",
      "DeleteThing",
    ]);
    expect(iot.state()).toEqual(EMPTY);
    expect(await registryItem(dynamo, first)).toBeUndefined();
    expect(await registryItem(dynamo, second)).toBeUndefined();
    expect(existsSync(join(out, first))).toBe(false);
  });

  it("says already gone on a second run and exits 0", async () => {
    await deprovision([...names, "--yes"]);

    const run = await deprovision([...names, "--yes"]);

    expect(run).toMatchObject({
      code: 0,
      stdout: `${names[0]}: already gone\n${names[1]}: already gone\n0 deleted, 2 already gone, 0 failed\n`,
    });
  });

  it("waits out a detach that has not reached every host yet", async () => {
    iot.fail("DeleteCertificate", "deleteConflict", { times: 2 });

    const run = await deprovision([names[0], "--yes"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("(2 throttled call(s) retried)");
    expect(iot.state().things[names[0]]).toBeUndefined();
  });

  it("reports the failed step, and a re-run finishes the job", async () => {
    iot.fail("DeleteThing", "invalidRequest", { times: Number.POSITIVE_INFINITY });

    const failed = await deprovision([names[0], "--yes"]);

    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /failed at DeleteThing: InvalidRequestException: Refused by the fake\n {2}removed before the failure: certificate [0-9a-f]{10} deleted; run the command again to finish\n/,
    );
    iot.clearFaults();
    const again = await deprovision([names[0], "--yes"]);
    expect(again.stdout).toBe(
      `${names[0]}: deleted: thing deleted; registry item deleted\n1 deleted, 0 already gone, 0 failed\n`,
    );
  });

  it("needs --yes without a terminal, and asks on one", async () => {
    const refused = await deprovision([names[0]]);
    expect(refused).toMatchObject({
      code: 1,
      stderr: "error: no terminal to confirm: pass --yes to deprovision without asking\n",
    });

    const declined = await deprovision([names[0]], { interactive: true, answer: false });
    expect(declined).toMatchObject({
      code: 1,
      questions: [`Delete ${names[0]} (certificates, things, registry items)? [y/N] `],
    });

    expect(iot.operations().filter((operation) => operation === "DeleteThing")).toEqual([]);
  });

  it("takes the names from a fleet file", async () => {
    const run = await deprovision(["--csv", "-", "--yes"], {
      stdin: `thingName,site\n${names.join(",x\n")},x\n`,
    });

    expect(run.code).toBe(0);
    expect(run.stdout).toContain("2 deleted, 0 already gone, 0 failed");
    expect(iot.state()).toEqual(EMPTY);
  });
});
