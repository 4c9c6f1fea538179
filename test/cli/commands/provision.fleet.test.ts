import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { provisionCommand } from "../../../cli/commands/provision.ts";
import type { ProvisionSummary } from "../../../cli/provisioning/reports.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { type FakeIot, startFakeIot } from "../../support/fakeIot.ts";
import {
  localTarget,
  MUTATING,
  POLICY,
  registryItem,
  runProvisioningCli,
  tempDir,
} from "./provisioningHarness.ts";

describe("plantwatch provision --csv", () => {
  let dynamo: LocalDynamo;
  let iot: FakeIot;
  let directory: string;
  let batch = 0;
  const csv = (text: string) => {
    const path = join(directory, "fleet.csv");
    writeFileSync(path, text);
    return path;
  };
  const provision = (args: readonly string[]) =>
    runProvisioningCli(provisionCommand, [
      ...args,
      "--out",
      join(directory, "devices"),
      ...localTarget(iot, dynamo),
    ]);

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    iot = await startFakeIot({ policies: [POLICY] });
    directory = tempDir("fleet");
    batch++;
  });
  afterEach(async () => {
    await iot.stop();
  });

  it("reports every problem of the file with line and column, and calls nothing", async () => {
    const path = csv(
      [
        "thingName,site,line,model,maxTemp,max temp",
        "oven-1,plant-1,line-1,X100,250,",
        "oven 3,plant-1,line-1,X100,250,",
        "oven-1,Plant 1,line-1,X100,250,",
        "oven-4,plant-1,line-1",
        "",
      ].join("\n"),
    );

    const run = await provision(["--csv", path]);

    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      [
        `${path}:1:6 max temp: "max temp" is not a valid attribute name (a letter, then up to 127 of letters, digits, "_", "." and "-")`,
        `${path}:3:1 thingName: "oven 3" is not a valid thing name (1-128 of letters, digits, ":", "_" and "-")`,
        `${path}:4:1 thingName: "oven-1" appears again (first on line 2)`,
        `${path}:4:2 site: "Plant 1" may contain only letters, digits and _ . , @ / : # = [ ] - (no spaces)`,
        `${path}:5: 3 field(s), but the header has 6`,
        `error: ${path}: 5 problem(s); nothing was changed`,
        "",
      ].join("\n"),
    );
    expect(iot.requests).toEqual([]);
    expect(await registryItem(dynamo, "oven-1")).toBeUndefined();
  });

  it("names missing required columns", async () => {
    const run = await provision(["--csv", csv("thingName,model\noven-1,X100\n")]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(':1: missing the required column "site"');
    expect(run.stderr).toContain(':1: missing the required column "line"');
    expect(iot.requests).toEqual([]);
  });

  it("provisions a fleet in parallel, rolls back and reports the one that failed and exits 1", async () => {
    const names = Array.from(
      { length: 20 },
      (_, index) => `b${batch}-press-${String(index + 1).padStart(2, "0")}`,
    );
    const failing = names[6] as string;
    const rows = names.map((name, index) => `${name},plant-1,line-${(index % 3) + 1},P200,${200 + index}`);
    const path = csv(["thingName,site,line,model,maxPressure", ...rows, ""].join("\n"));
    iot.fail("AttachThingPrincipal", "invalidRequest", {
      times: Number.POSITIVE_INFINITY,
      where: (request) => request.thingName === failing,
    });
    iot.fail("CreateThing", "throttling", { times: 3 });

    const run = await provision(["--csv", path, "--concurrency", "4", "--json"]);

    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout) as ProvisionSummary;
    expect(summary).toMatchObject({
      created: 19,
      updated: 0,
      unchanged: 0,
      failed: 1,
      notStarted: [],
      retries: 3,
    });
    expect(summary.devices.map((device) => device.thingName)).toEqual(names);
    expect(summary.devices[6]).toMatchObject({
      status: "failed",
      failure: { step: "AttachThingPrincipal", reason: "InvalidRequestException: Refused by the fake" },
    });
    // Plain progress lines on a stderr that is no terminal, one per device.
    const progress = run.stderr.trim().split("\n");
    expect(progress.map((line) => line.split(" ")[0])).toEqual(names.map((_, index) => `[${index + 1}/20]`));
    expect(
      progress.filter((line) => line.endsWith(`${failing}: failed at AttachThingPrincipal`)),
    ).toHaveLength(1);
    const state = iot.state();
    expect(Object.keys(state.things)).toHaveLength(19);
    expect(state.things[failing]).toBeUndefined();
    expect(Object.keys(state.certificates)).toHaveLength(19);
    expect(await registryItem(dynamo, failing)).toBeUndefined();
    expect(existsSync(join(directory, "devices", failing))).toBe(false);
    expect(await registryItem(dynamo, names[0] as string)).toMatchObject({
      attributes: { maxPressure: "200" },
    });

    // The fix for the failed one is simply to run the same file again.
    iot.clearFaults();
    const mark = iot.requests.length;
    const again = await provision(["--csv", path, "--concurrency", "4"]);

    expect(again.code).toBe(0);
    expect(again.stdout.split("\n").at(-2)).toBe("1 created, 0 updated, 19 unchanged, 0 failed");
    const mutated = iot.requests.slice(mark).filter((request) => MUTATING.has(request.operation));
    expect(new Set(mutated.map((request) => request.thingName ?? failing))).toEqual(new Set([failing]));
  });
});
