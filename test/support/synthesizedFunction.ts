import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildApp } from "../../infra/app.ts";

export interface SynthesizedFunction {
  /** Absolute path of the bundle's entry file in `cdk.out`, exactly what `cdk deploy` uploads. */
  readonly entry: string;
  /** The function's environment as the template sets it; values that are tokens are left out. */
  readonly environment: Readonly<Record<string, unknown>>;
  readonly handler: string;
}

interface LambdaProperties {
  readonly Handler: string;
  readonly Code: { readonly S3Key: string };
  readonly Environment?: { readonly Variables?: Record<string, unknown> };
}

interface AssetManifest {
  readonly files: Record<
    string,
    { source: { path: string }; destinations: Record<string, { objectKey: string }> }
  >;
}

const assemblies = new Map<
  string,
  { outdir: string; resources: { Type: string; Properties: LambdaProperties }[]; manifest: AssetManifest }
>();

/** Synthesizes the app once per test process (and per configuration overrides) into a temporary assembly. */
function synthesized(overrides: unknown) {
  const cacheKey = JSON.stringify(overrides ?? null);
  let assembly = assemblies.get(cacheKey);
  if (!assembly) {
    const outdir = mkdtempSync(join(tmpdir(), "plantwatch-cdk-out-"));
    const { app, config } = buildApp(overrides === undefined ? { outdir } : { outdir, overrides });
    const stack = app.synth().getStackByName(config.stackName);
    const resources = Object.values(
      stack.template.Resources as Record<string, { Type: string; Properties: LambdaProperties }>,
    );
    const manifest = JSON.parse(
      readFileSync(join(outdir, `${stack.stackName}.assets.json`), "utf8"),
    ) as AssetManifest;
    assembly = { outdir, resources, manifest };
    assemblies.set(cacheKey, assembly);
  }
  return assembly;
}

/**
 * The bundle of the Lambda function whose Powertools service name is `serviceName`, found through
 * the asset manifest (S3 object key → asset folder): exactly what `cdk deploy` uploads, for the
 * default configuration or with configuration `overrides` (stream mode, for example).
 */
export function synthesizeFunction(serviceName: string, overrides?: unknown): SynthesizedFunction {
  const { outdir, resources, manifest } = synthesized(overrides);
  const fn = resources.find(
    (resource) =>
      resource.Type === "AWS::Lambda::Function" &&
      resource.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME === serviceName,
  );
  if (!fn) throw new Error(`no function with service name ${serviceName}`);

  const objectKey = fn.Properties.Code.S3Key;
  const asset = Object.values(manifest.files).find((file) =>
    Object.values(file.destinations).some((destination) => destination.objectKey === objectKey),
  );
  if (!asset) throw new Error(`no asset uploads to ${objectKey}`);

  const [file, exported] = fn.Properties.Handler.split(".");
  const entryFile = [`${file}.mjs`, `${file}.js`, `${file}.cjs`].find((candidate) =>
    existsSync(join(outdir, asset.source.path, candidate)),
  );
  if (!entryFile || !exported) throw new Error(`no entry file for handler ${fn.Properties.Handler}`);
  return {
    entry: join(outdir, asset.source.path, entryFile),
    environment: fn.Properties.Environment?.Variables ?? {},
    handler: exported,
  };
}
