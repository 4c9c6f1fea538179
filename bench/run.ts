/**
 * `npm run bench`: the ingest CPU path against its floor, alarm evaluation against the rule count,
 * bundle size and module init per function, and the local stack end to end. Prints one table with
 * each figure beside its goal and writes everything to `bench/results.json` (or `--out <file>`).
 * `--quick` runs every part briefly (the smoke test); its figures mean nothing.
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

const { values } = parseArgs({
  options: { quick: { type: "boolean", default: false }, out: { type: "string" } },
});
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
};

const step = (name: string) => process.stderr.write(`bench: ${name}...\n`);
step("ingest CPU path");
const ingest = await benchIngestPath(profile);
step("alarm evaluation");
const alarms = await benchAlarmEvaluation(profile);
step("bundles and module init (cdk synth)");
const bundles = await benchBundles(profile);
step("local stack end to end");
const endToEnd = await benchLocalStack(profile);

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

for (const c of ingest.cases) {
  row(
    "ingest",
    `${c.name}: msgs/s (floor)`,
    `${fmt(c.messagesPerSecond)} (${fmt(c.floorMessagesPerSecond)})`,
  );
  row("ingest", `${c.name}: ratio to floor`, fmt(c.ratio, 3), "≥ 0.35", c.ratio >= 0.35);
}
row(
  "ingest",
  "SDK WriteRecords serializer: µs/request (1 record), µs/record (100)",
  `${fmt(ingest.serializer.sdkMicrosPerRequest1Record, 1)}, ${fmt(ingest.serializer.sdkMicrosPerRecord100, 2)} (JSON.stringify ${fmt(ingest.serializer.jsonStringifyMicrosPerRecord100, 2)})`,
);
for (const r of alarms.rows) row("alarms", `${fmt(r.rules)} rules: µs/sample`, fmt(r.microsPerSample, 2));
row("alarms", "10,000 ÷ 10 rules", fmt(alarms.ratio, 2), "≤ 1.5", alarms.ratio <= 1.5);
for (const b of bundles) {
  row(
    "bundle",
    `${b.name}: index.mjs KB (map KB)`,
    `${fmt(b.bundleBytes / 1024)} (${fmt(b.sourceMapBytes / 1024)})`,
    "≤ 300",
    b.bundleBytes <= BUNDLE_GOAL_BYTES,
  );
  row(
    "init",
    `${b.name}: import ms vs bare SDK clients ms`,
    `${fmt(b.initMs, 1)} vs ${fmt(b.bareInitMs, 1)} = ${fmt(b.initRatio, 2)}×`,
    "≤ 1.2×",
    b.initRatio <= 1.2,
  );
}
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

console.log(
  `plantwatch bench — ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.date}${profile.quick ? " (QUICK: figures meaningless)" : ""}`,
);
console.table(rows);
if (endToEnd.problems.length > 0)
  console.log(`local stack problems:\n  ${endToEnd.problems.slice(0, 10).join("\n  ")}`);
writeFileSync(
  out,
  `${JSON.stringify({ machine, ingest, alarms, bundles, endToEnd, table: rows }, null, 2)}\n`,
);
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
console.log(`results written to ${out} and ${markdownOut}`);
