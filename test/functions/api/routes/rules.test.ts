import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  OVEN_OVERHEAT_RULE,
  startTestOperatorApi,
  type TestOperatorApi,
} from "../../../support/operatorApi.ts";
import { call } from "../support.ts";

const PRESS_RULE = {
  id: "press-pressure",
  name: "Press pressure high",
  severity: "major",
  match: { things: ["press-*"] },
  kind: "threshold",
  metric: "pressure",
  condition: { op: ">", value: 180 },
  for: "30s",
};

describe("operator API: rules", () => {
  let api: TestOperatorApi;

  beforeAll(async () => {
    api = await startTestOperatorApi();
    await api.applyRules([OVEN_OVERHEAT_RULE]);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("lists the stored rules with the ruleset version", async () => {
    const { status, body } = await call(api.url, "GET", "/rules");

    expect(status).toBe(200);
    expect(body).toEqual({ version: await api.deps.rules.version(), items: [OVEN_OVERHEAT_RULE] });
  });

  it("creates (201), replaces (200) and deletes (204) a rule in the repository the CLI reads", async () => {
    const created = await call(api.url, "PUT", "/rules/press-pressure", PRESS_RULE);
    const replaced = await call(api.url, "PUT", "/rules/press-pressure", {
      ...PRESS_RULE,
      severity: "critical",
    });
    const seenByCli = (await api.deps.rules.list()).map((rule) => [
      rule.id,
      rule.valid && rule.document.severity,
    ]);
    const deleted = await call(api.url, "DELETE", "/rules/press-pressure");
    const again = await call(api.url, "DELETE", "/rules/press-pressure");

    expect(created).toMatchObject({ status: 201, body: { rule: PRESS_RULE, created: true } });
    expect(replaced).toMatchObject({ status: 200, body: { created: false, rule: { severity: "critical" } } });
    expect(seenByCli).toEqual([
      ["oven-overheat", "critical"],
      ["press-pressure", "critical"],
    ]);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(again).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    expect((await api.deps.rules.list()).map((rule) => rule.id)).toEqual(["oven-overheat"]);
  });

  it("changes the ruleset version, so running functions pick the change up", async () => {
    const before = await api.deps.rules.version();

    await call(api.url, "PUT", "/rules/press-pressure", PRESS_RULE);

    expect(await api.deps.rules.version()).not.toBe(before);
    await call(api.url, "DELETE", "/rules/press-pressure");
  });

  it("refuses an invalid rule with every problem in details, writing nothing", async () => {
    const before = await api.deps.rules.version();

    const { status, body } = await call(api.url, "PUT", "/rules/press-pressure", {
      ...PRESS_RULE,
      severity: "catastrophic",
      condition: { op: "~", value: 1 },
      colour: "red",
    });

    expect(status).toBe(400);
    expect(body.error.code).toBe("invalid_request");
    expect(body.error.details.map((detail: { path: string }) => detail.path)).toEqual(
      expect.arrayContaining(["body.severity", "body.condition.op"]),
    );
    expect(JSON.stringify(body.error.details)).toContain("colour");
    expect(await api.deps.rules.version()).toBe(before);
  });

  it("refuses a rule whose id is not the path's", async () => {
    const { status, body } = await call(api.url, "PUT", "/rules/other-id", PRESS_RULE);

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "body.id", message: expect.stringContaining("other-id") }]);
  });

  it("refuses a rule id that is not one", async () => {
    const { status, body } = await call(api.url, "PUT", "/rules/Not_A_Rule", PRESS_RULE);

    expect(status).toBe(400);
    expect(body.error.details).toEqual([{ path: "path.id", message: expect.stringContaining("rule id") }]);
  });
});
