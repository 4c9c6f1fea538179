/**
 * C2 metric names: `^[A-Za-z][A-Za-z0-9_]{0,62}$` and not reserved by the series store.
 * Timestream reserves `time`, `measure_name`, `measure_value*` and the `ts_` prefix; our own
 * dimensions (`device`, `site`, `line`) would collide with a measure of the same name; and the
 * query engine's reserved words would need quoting in every query an operator writes.
 */
import { SERIES_DIMENSIONS } from "./storageLayout.ts";

export const METRIC_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

const RESERVED_NAMES = new Set([
  "time",
  "measure_name",
  ...SERIES_DIMENSIONS,
  // Reserved words of Timestream's (Presto-derived) SQL dialect.
  ...[
    "alter",
    "and",
    "as",
    "between",
    "by",
    "case",
    "cast",
    "constraint",
    "create",
    "cross",
    "cube",
    "current_date",
    "current_time",
    "current_timestamp",
    "current_user",
    "deallocate",
    "delete",
    "describe",
    "distinct",
    "drop",
    "else",
    "end",
    "escape",
    "except",
    "execute",
    "exists",
    "extract",
    "false",
    "for",
    "from",
    "full",
    "group",
    "grouping",
    "having",
    "in",
    "inner",
    "insert",
    "intersect",
    "into",
    "is",
    "join",
    "left",
    "like",
    "localtime",
    "localtimestamp",
    "natural",
    "normalize",
    "not",
    "null",
    "on",
    "or",
    "order",
    "outer",
    "prepare",
    "recursive",
    "right",
    "rollup",
    "select",
    "table",
    "then",
    "true",
    "uescape",
    "union",
    "unnest",
    "using",
    "values",
    "when",
    "where",
    "with",
  ],
]);

const RESERVED_PREFIXES = ["ts_", "measure_value"];

/** Why `name` cannot be a metric name, or undefined if it can. */
export function metricNameProblem(name: string): string | undefined {
  if (!METRIC_NAME_PATTERN.test(name)) {
    return `metric name ${JSON.stringify(name.slice(0, 80))} does not match ${METRIC_NAME_PATTERN.source}`;
  }
  const lower = name.toLowerCase();
  if (RESERVED_NAMES.has(lower) || RESERVED_PREFIXES.some((prefix) => lower.startsWith(prefix))) {
    return `metric name "${name}" is reserved`;
  }
  return undefined;
}
