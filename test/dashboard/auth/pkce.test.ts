import { describe, expect, it } from "vitest";
import { challengeOf, createPkce } from "../../../dashboard/src/auth/pkce.ts";

describe("PKCE", () => {
  it("derives the S256 challenge of RFC 7636's example", async () => {
    // RFC 7636, appendix B.
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("makes a 43-character base64url verifier from 32 random bytes, and its challenge", async () => {
    const pkce = await createPkce((bytes) => bytes.fill(0xfb));
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pkce.verifier).toContain("-"); // 0xfb bytes encode to '+'/'/' in plain base64
    expect(pkce.challenge).toBe(await challengeOf(pkce.verifier));
  });

  it("draws a new verifier each time", async () => {
    const [a, b] = await Promise.all([createPkce(), createPkce()]);
    expect(a.verifier).not.toBe(b.verifier);
  });
});
