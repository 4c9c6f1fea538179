import { mkdtempSync, readFileSync } from "node:fs";
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

/**
 * Synthesizes the app into a temporary cloud assembly and finds the bundle of the Lambda function
 * whose environment has `environmentKey`, through the asset manifest (S3 object key → asset folder).
 */
export function synthesizeFunction(environmentKey: string): SynthesizedFunction {
  const outdir = mkdtempSync(join(tmpdir(), "plantwatch-cdk-out-"));
  const { app, config } = buildApp({ outdir });
  const stack = app.synth().getStackByName(config.stackName);
  const resources = Object.values(
    stack.template.Resources as Record<string, { Type: string; Properties: LambdaProperties }>,
  );
  const fn = resources.find(
    (resource) =>
      resource.Type === "AWS::Lambda::Function" &&
      resource.Properties.Environment?.Variables?.[environmentKey] !== undefined,
  );
  if (!fn) throw new Error(`no function with ${environmentKey} in its environment`);

  const manifest = JSON.parse(
    readFileSync(join(outdir, `${stack.stackName}.assets.json`), "utf8"),
  ) as AssetManifest;
  const objectKey = fn.Properties.Code.S3Key;
  const asset = Object.values(manifest.files).find((file) =>
    Object.values(file.destinations).some((destination) => destination.objectKey === objectKey),
  );
  if (!asset) throw new Error(`no asset uploads to ${objectKey}`);

  const [file, exported] = fn.Properties.Handler.split(".");
  const candidates = [`${file}.mjs`, `${file}.js`, `${file}.cjs`];
  const entryFile = candidates.find((candidate) => {
    try {
      readFileSync(join(outdir, asset.source.path, candidate));
      return true;
    } catch {
      return false;
    }
  });
  if (!entryFile || !exported) throw new Error(`no entry file for handler ${fn.Properties.Handler}`);
  return {
    entry: join(outdir, asset.source.path, entryFile),
    environment: fn.Properties.Environment?.Variables ?? {},
    handler: exported,
  };
}
