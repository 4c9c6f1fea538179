import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import * as unusedCredentialProvider from "../../../functions/commons/unusedCredentialProvider.ts";
import { UNBUNDLED_CREDENTIAL_PROVIDERS } from "../../../infra/constructs/PlantwatchFunction.ts";
import { PROJECT_ROOT } from "../../../infra/projectPaths.ts";
import { type SynthesizedFunction, synthesizeFunction } from "../../support/synthesizedFunction.ts";

const FUNCTIONS = ["ingest", "evaluate", "sweep", "notify", "api"] as const;
const STUB = "functions/commons/unusedCredentialProvider.ts";
const DEFAULT_CHAIN = "node_modules/@aws-sdk/credential-provider-node/dist-es/defaultProvider.js";

/** Code of the removed providers, each with a source file that holds it (so no marker is vacuous). */
const REMOVED_CODE = [
  { marker: "sso_start_url", source: "@aws-sdk/credential-provider-sso/dist-es/fromSSO.js" },
  {
    marker: "credential_process",
    source: "@aws-sdk/credential-provider-process/dist-es/resolveProcessCredentials.js",
  },
  {
    marker: "web_identity_token_file",
    source: "@aws-sdk/credential-provider-ini/dist-es/resolveWebIdentityCredentials.js",
  },
  { marker: "login_session", source: "@aws-sdk/credential-provider-login/dist-es/fromLoginCredentials.js" },
  { marker: "AssumeRoleWithWebIdentity", source: "@aws-sdk/nested-clients/dist-es/submodules/sts/STS.js" },
] as const;

/** Packages that only the removed providers import: none of their modules may reach a bundle. */
const REMOVED_PACKAGES = [
  ...UNBUNDLED_CREDENTIAL_PROVIDERS,
  "@aws-sdk/credential-provider-login",
  "@aws-sdk/nested-clients",
  "@aws-sdk/token-providers",
];

/** Every `const { name } = await import("package")` of the default chain whose package is aliased to the stub. */
function aliasedImportsOfDefaultChain(): string[] {
  const source = readFileSync(join(PROJECT_ROOT, DEFAULT_CHAIN), "utf8");
  return [...source.matchAll(/\{\s*(\w+)\s*\}\s*=\s*await import\("([^"]+)"\)/g)]
    .filter(([, , pkg]) => (UNBUNDLED_CREDENTIAL_PROVIDERS as readonly string[]).includes(pkg ?? ""))
    .map(([, name]) => name ?? "");
}

/**
 * What the synthesized bundles hold once the credential providers Lambda never reaches are aliased
 * to a stub. That the bundles still take their credentials from the environment is proven by the
 * bundle tests in `test/e2e/` (each runs a bundle in a child process with `AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY` set, against signed requests to local fakes), so it is not repeated here.
 */
describe("Lambda bundle contents", () => {
  const bundles = new Map<string, { code: string; sources: string[] }>();

  beforeAll(() => {
    for (const name of FUNCTIONS) {
      const fn: SynthesizedFunction = synthesizeFunction(name);
      const map = JSON.parse(readFileSync(`${fn.entry}.map`, "utf8")) as { sources: string[] };
      bundles.set(name, { code: readFileSync(fn.entry, "utf8"), sources: map.sources });
    }
  });

  it.each(REMOVED_CODE)("finds the marker $marker in $source", ({ marker, source }) => {
    expect(readFileSync(join(PROJECT_ROOT, "node_modules", source), "utf8")).toContain(marker);
  });

  describe.each(FUNCTIONS)("%s", (name) => {
    it("bundles the stub in place of the removed providers", () => {
      const { sources } = bundles.get(name) ?? { sources: [] };
      expect(sources.some((source) => source.endsWith(STUB))).toBe(true);
      expect(sources.filter((source) => REMOVED_PACKAGES.some((pkg) => source.includes(`/${pkg}/`)))).toEqual(
        [],
      );
    });

    it("holds none of the removed providers' code", () => {
      const { code } = bundles.get(name) ?? { code: "" };
      expect(REMOVED_CODE.filter(({ marker }) => code.includes(marker))).toEqual([]);
    });

    it("keeps the environment provider the default chain tries first", () => {
      const { code, sources } = bundles.get(name) ?? { code: "", sources: [] };
      expect(sources.some((source) => source.includes("/@aws-sdk/credential-provider-env/"))).toBe(true);
      expect(code).toContain("AWS_SECRET_ACCESS_KEY");
    });
  });
});

describe("unusedCredentialProvider", () => {
  it("exports every provider the default chain imports from an aliased package", () => {
    const names = aliasedImportsOfDefaultChain();

    expect(names).toEqual(expect.arrayContaining(["fromSSO", "fromIni", "fromProcess", "fromTokenFile"]));
    expect(names.filter((importName) => !(importName in unusedCredentialProvider))).toEqual([]);
  });

  it.each(Object.entries(unusedCredentialProvider))(
    "%s passes to the next link of the chain",
    async (_, from) => {
      await expect(from()()).rejects.toMatchObject({ name: "CredentialsProviderError", tryNextLink: true });
    },
  );
});
