/**
 * `npm run bench`: the ingest CPU path against its floor, alarm evaluation against the rule count,
 * thing glob matching against a floor, bundle size and module init per function, and the local stack
 * end to end. Prints one table with
 * each figure beside its goal and writes everything to `bench/results.json` (or `--out <file>`).
 * `--quick` runs every part briefly (the smoke test); its figures mean nothing. `--only <part>`
 * (repeatable: ingest, alarms, globs, bundles, e2e) runs those parts alone and leaves `bench/results.md`,
 * the record of a full run, untouched.
 */
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PROJECT_ROOT } from "../infra/projectPaths.ts";
import { benchAlarmEvaluation } from "./alarmEvaluation.ts";
import { BUNDLE_GOAL_BYTES, benchBundles } from "./bundles.ts";
import { benchIngestPath } from "./ingestPath.ts";
import { benchLocalStack } from "./localStackEndToEnd.ts";
import { FULL_PROFILE, QUICK_PROFILE } from "./profile.ts";
import { benchThingGlobs } from "./thingGlobs.ts";

const PARTS = ["ingest", "alarms", "globs", "bundles", "e2e"] as const;
type Part = (typeof PARTS)[number];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    out: { type: "string" },
    only: { type: "string", multiple: true },
  },
});
const unknownParts = (values.only ?? []).filter((part) => !(PARTS as readonly string[]).includes(part));
if (unknownParts.length > 0) {
  process.stderr.write(`bench: unknown part ${unknownParts.join(", ")}; parts: ${PARTS.join(", ")}\n`);
  process.exit(2);
}
const selected = new Set<Part>((values.only as Part[] | undefined) ?? PARTS);
const partial = selected.size < PARTS.length;
const profile = values.quick ? QUICK_PROFILE : FULL_PROFILE;
const out = values.out ?? join(PROJECT_ROOT, "bench", "results.json");
process.env.CDK_DISABLE_VERSION_CHECK = "1";
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE = "1";

const machine = {
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
  date: new Date().toISOString(),
  quick: profile.quick,
  parts: [...selected],
};

/** Runs a selected part; a part left out yields undefined, and its rows and results are absent. */
async function part<T>(name: Part, title: string, bench: () => Promise<T>): Promise<T | undefined> {
  if (!selected.has(name)) return undefined;
  process.stderr.write(`bench: ${title}...\n`);
  return bench();
}
const ingest = await part("ingest", "ingest CPU path", () => benchIngestPath(profile));
const alarms = await part("alarms", "alarm evaluation", () => benchAlarmEvaluation(profile));
const globs = await part("globs", "thing glob matching", () => benchThingGlobs(profile));
const bundles = await part("bundles", "bundles and module init (cdk synth)", () => benchBundles(profile));
const endToEnd = await part("e2e", "local stack end to end", () => benchLocalStack(profile));

interface Row {
  readonly part: string;
  readonly measure: string;
  readonly value: string;
  readonly goal: string;
  readonly met: string;
}
const rows: Row[] = [];
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (part: string, measure: string, value: string, goal = "", met?: boolean) =>
  rows.push({ part, measure, value, goal, met: met === undefined ? "" : met ? "yes" : "NO" });

for (const c of ingest?.cases ?? []) {
  row(
    "ingest",
    `${c.name}: msgs/s (floor)`,
    `${fmt(c.messagesPerSecond)} (${fmt(c.floorMessagesPerSecond)})`,
  );
  row("ingest", `${c.name}: ratio to floor`, fmt(c.ratio, 3), "≥ 0.35", c.ratio >= 0.35);
}
if (ingest) {
  row(
    "ingest",
    "SDK WriteRecords serializer: µs/request (1 record), µs/record (100)",
    `${fmt(ingest.serializer.sdkMicrosPerRequest1Record, 1)}, ${fmt(ingest.serializer.sdkMicrosPerRecord100, 2)} (JSON.stringify ${fmt(ingest.serializer.jsonStringifyMicrosPerRecord100, 2)})`,
  );
}
if (alarms) {
  for (const r of alarms.rows) row("alarms", `${fmt(r.rules)} rules: µs/sample`, fmt(r.microsPerSample, 2));
  row("alarms", "10,000 ÷ 10 rules", fmt(alarms.ratio, 2), "≤ 1.5", alarms.ratio <= 1.5);
}
if (globs) {
  row("globs", "string equality (floor): ns/name", fmt(globs.floorNanosPerName, 1));
  for (const g of globs.rows) {
    row("globs", `${g.glob}: ns/name (ratio to floor)`, `${fmt(g.nanosPerName, 1)} (${fmt(g.ratio, 1)})`);
  }
}
for (const b of bundles ?? []) {
  row(
    "bundle",
    `${b.name}: index.mjs KB (map KB)`,
    `${fmt(b.bundleBytes / 1024)} (${fmt(b.sourceMapBytes / 1024)})`,
    "≤ 300",
    b.bundleBytes <= BUNDLE_GOAL_BYTES,
  );
  row(
    "init",
    `${b.name}: import CPU ms vs bare SDK clients CPU ms (wall ms)`,
    `${fmt(b.initMs, 1)} vs ${fmt(b.bareInitMs, 1)} = ${fmt(b.initRatio, 2)}× (${fmt(b.initWallMs, 1)} vs ${fmt(b.bareInitWallMs, 1)})`,
    "≤ 1.2×",
    b.initRatio <= 1.2,
  );
}
if (endToEnd) {
  const { burst } = endToEnd;
  row(
    "local e2e",
    `burst of ${fmt(burst.messages)} msgs from ${burst.clients} clients: msgs/s (lost)`,
    `${fmt(burst.messagesPerSecond)} (${burst.lost})`,
    "≥ 5,000, 0 lost",
    burst.messagesPerSecond >= 5_000 && burst.lost === 0,
  );
  for (const l of endToEnd.latency) {
    row(
      "local e2e",
      `publish → alarm event at ${fmt(l.targetRate)} msgs/s (sent ${fmt(l.achievedRate)}/s): p50 / p99 ms`,
      `${fmt(l.p50Ms, 1)} / ${fmt(l.p99Ms, 1)} (${l.events}/${l.messages} events)`,
      l.targetRate >= 1_000 ? "p99 ≤ 50" : "",
      l.targetRate >= 1_000 ? l.p99Ms <= 50 : undefined,
    );
  }
}

console.log(
  `plantwatch bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}${profile.quick ? " (QUICK: figures meaningless)" : ""}`,
);
console.table(rows);
if (endToEnd && endToEnd.problems.length > 0)
  console.log(`local stack problems:\n  ${endToEnd.problems.slice(0, 10).join("\n  ")}`);
writeFileSync(
  out,
  `${JSON.stringify({ machine, ingest, alarms, globs, bundles, endToEnd, table: rows }, null, 2)}\n`,
);
if (partial) {
  console.log(`results written to ${out} (partial run: bench/results.md untouched)`);
} else {
  console.log(`results written to ${out} and ${writeMarkdown()}`);
}

/** The table as markdown beside the JSON file (`bench/results.md` by default), the record of a full run. */
function writeMarkdown(): string {
  const cells = [
    ["part", "measure", "value", "goal", "met"],
    ...rows.map((r) => [r.part, r.measure, r.value, r.goal, r.met]),
  ];
  // Columns padded as biome formats markdown tables, so a fresh results.md passes `npm run lint`.
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(3, ...cells.map((line) => (line[i] as string).length)));
  const line = (values: readonly string[]) =>
    `| ${values.map((v, i) => v.padEnd(widths[i] as number)).join(" | ")} |`;
  const markdown = [
    `Measured ${machine.date.slice(0, 10)} on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node} (${machine.platform})${profile.quick ? "; QUICK run, figures meaningless" : ""}.`,
    "",
    line(cells[0] as string[]),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.slice(1).map(line),
    "",
  ].join("\n");
  const markdownOut = `${out.replace(/\.json$/, "")}.md`;
  writeFileSync(markdownOut, markdown);
  return markdownOut;
}
