import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeInflux2, SESSION_COOKIE, startFakeInflux2 } from "../../support/fakeInflux2.ts";
import { ADMIN, ORGANIZATION } from "./support.ts";

describe("the InfluxDB 2 fake", () => {
  let influx: FakeInflux2;
  const basic = `Basic ${Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString("base64")}`;
  const signIn = async () => {
    const response = await fetch(`${influx.endpoint}/api/v2/signin`, {
      method: "POST",
      headers: { Authorization: basic },
    });
    return response.headers.getSetCookie()[0]?.split(";")[0] ?? "";
  };

  beforeEach(async () => {
    influx = await startFakeInflux2({ ...ADMIN, organization: ORGANIZATION });
  });
  afterEach(() => influx.stop());

  it("sets the session cookie InfluxDB sets, and answers 401 without it", async () => {
    const cookie = await signIn();
    const without = await fetch(`${influx.endpoint}/api/v2/orgs?org=${ORGANIZATION}`);
    const withIt = await fetch(`${influx.endpoint}/api/v2/orgs?org=${ORGANIZATION}`, {
      headers: { Cookie: cookie },
    });

    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=.+`));
    expect(without.status).toBe(401);
    expect(await withIt.json()).toEqual({
      links: { self: "/api/v2/orgs" },
      orgs: [{ id: influx.orgID, name: ORGANIZATION }],
    });
    expect(influx.violations).toEqual([]);
  });

  it("flags a request that breaks the contract: a token header beside the cookie, a stray query, an unknown route", async () => {
    const cookie = await signIn();
    await fetch(`${influx.endpoint}/api/v2/orgs?org=${ORGANIZATION}`, {
      headers: { Cookie: cookie, Authorization: "Token abc" },
    });
    await fetch(`${influx.endpoint}/api/v2/orgs?org=${ORGANIZATION}&limit=1`, {
      headers: { Cookie: cookie },
    });
    const unknown = await fetch(`${influx.endpoint}/api/v2/users`, { headers: { Cookie: cookie } });

    expect(unknown.status).toBe(400);
    expect(influx.violations).toEqual([
      "GET /api/v2/orgs: GET /api/v2/orgs sent an Authorization header",
      "GET /api/v2/orgs: find organization needs exactly ?org=<name>",
      "GET /api/v2/users: no such endpoint: GET /api/v2/users",
    ]);
  });
});
