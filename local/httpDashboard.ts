import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BuildOptions, build, buildSync, type OutputFile } from "esbuild";
import { routeOf } from "../dashboard/src/route.ts";

/** One file the dashboard is made of, ready to send. */
export interface StaticAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** The dashboard's files by URL path (`/`, `/app.js`, ...). */
export type DashboardAssets = ReadonlyMap<string, StaticAsset>;

export const DEFAULT_DASHBOARD_DIRECTORY = fileURLToPath(new URL("../dashboard/", import.meta.url));

const HTML = "text/html; charset=utf-8";
const JAVASCRIPT = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";
const SVG = "image/svg+xml";

/**
 * Browsers ask for `/favicon.ico` whatever the page says; an SVG answers it (every current browser
 * takes the content type over the name), so the console shows no 404. A gauge in the page's colours.
 */
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#1f2937"/>' +
    '<path d="M7 21a9 9 0 0 1 18 0" fill="none" stroke="#e5e7eb" stroke-width="3" stroke-linecap="round"/>' +
    '<path d="M16 21l5-7" stroke="#ef4444" stroke-width="3" stroke-linecap="round"/></svg>',
);

const builds = new Map<string, Promise<DashboardAssets>>();

/**
 * The dashboard bundled in memory with esbuild (its TypeScript, uPlot and the shared contract code
 * it imports), with its page and styles and uPlot's stylesheet. Built once per directory and
 * process: restarting the server, or starting several in one test run, reuses the bundle.
 */
export function loadDashboardAssets(directory = DEFAULT_DASHBOARD_DIRECTORY): Promise<DashboardAssets> {
  let assets = builds.get(directory);
  if (assets === undefined) {
    assets = bundleDashboard(directory);
    // A failed build is not cached, so fixing the source and starting again works.
    assets.catch(() => builds.delete(directory));
    builds.set(directory, assets);
  }
  return assets;
}

async function bundleDashboard(directory: string): Promise<DashboardAssets> {
  const [script, ...files] = await Promise.all([
    build(bundleOptions(directory)),
    ...sourceFiles(directory).map((file) => readFile(file)),
  ]);
  return assetsOf(script.outputFiles, files);
}

/**
 * Writes the dashboard's files to `outputDirectory`, one file per URL path (`index.html`, `app.js`,
 * ...), built exactly as `loadDashboardAssets` builds them: the stack hosts this directory, so the
 * hosted console is the local one. Synchronous, because CDK stages assets while constructing the app.
 */
export function writeDashboardAssets(outputDirectory: string, directory = DEFAULT_DASHBOARD_DIRECTORY): void {
  const script = buildSync(bundleOptions(directory));
  const assets = assetsOf(
    script.outputFiles,
    sourceFiles(directory).map((file) => readFileSync(file)),
  );
  for (const [path, { body }] of assets) {
    // `/` is the page again, which the host serves as its default object.
    if (path === "/") continue;
    const file = join(outputDirectory, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, body);
  }
}

function bundleOptions(directory: string): BuildOptions & { write: false } {
  return {
    entryPoints: [`${directory}/src/main.ts`],
    bundle: true,
    write: false,
    format: "esm",
    target: "es2022",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  };
}

/** The page, its styles and uPlot's stylesheet, in the order `assetsOf` takes them. */
function sourceFiles(directory: string): [string, string, string] {
  const require = createRequire(import.meta.url);
  return [`${directory}/index.html`, `${directory}/styles.css`, require.resolve("uplot/dist/uPlot.min.css")];
}

function assetsOf(outputFiles: readonly OutputFile[] | undefined, files: readonly Buffer[]): DashboardAssets {
  const [output] = outputFiles ?? [];
  const [page, styles, uplotStyles] = files;
  if (output === undefined) throw new Error("esbuild produced no dashboard bundle");
  if (page === undefined || styles === undefined || uplotStyles === undefined) {
    throw new Error("the dashboard's page or stylesheets were not read");
  }
  return new Map<string, StaticAsset>([
    ["/", { contentType: HTML, body: page }],
    ["/index.html", { contentType: HTML, body: page }],
    ["/app.js", { contentType: JAVASCRIPT, body: Buffer.from(output.contents) }],
    ["/styles.css", { contentType: CSS, body: styles }],
    ["/vendor/uPlot.min.css", { contentType: CSS, body: uplotStyles }],
    ["/favicon.ico", { contentType: SVG, body: FAVICON }],
  ]);
}

/**
 * The file to send for `path`: an asset, or the page itself for each of the dashboard's own pages
 * (`/alarms/{alarmId}`, opened from a notification), which it then shows by the path. The
 * dashboard's `routeOf` decides which paths those are, so the server answers no more and no fewer.
 */
export function dashboardAsset(assets: DashboardAssets, path: string): StaticAsset | undefined {
  return assets.get(path) ?? (routeOf(path).kind === "notFound" ? undefined : assets.get("/"));
}
