import type { HostileInputsRow } from "./surface.ts";

/**
 * What one injected fault did to a known set of messages: where each ended (C6), and whether the
 * alarm transitions and events are the ones a fault-free, sequential run produces (C4, C5).
 */
export interface FaultOutcome {
  readonly fault: string;
  /** What was injected, and how often it bit. */
  readonly injected: string;
  readonly sent: number;
  /** Messages whose samples are in the series store (ingest) or that were evaluated (alarms). */
  readonly stored: number;
  /** Messages quarantined whole, by reason. */
  readonly quarantined: Readonly<Record<string, number>>;
  /** Messages left in the dead-letter queue at the end (after any `dlq replay`). */
  readonly deadLettered: number;
  /** Messages in none of the above: must be 0. */
  readonly unaccounted: number;
  /**
   * Paths that deliver a message more than once (MQTT QoS 1 redelivery): points stored beyond one
   * per message, the same sample kept twice. Must be 0.
   */
  readonly duplicatePoints?: number;
  /** Alarm paths only: the history's transitions against the sequential truth. */
  readonly transitions?: {
    readonly got: number;
    readonly truth: number;
    readonly identical: boolean;
  };
  /** Alarm paths only: events accepted by EventBridge, by C5 de-duplication key. */
  readonly events?: {
    readonly published: number;
    readonly distinctKeys: number;
    readonly expected: number;
    /** Two different events under one key, or a key the truth does not have: must be 0. */
    readonly wrong: number;
  };
}

/** One row per fault; the README quotes it from docs/reliability.md. */
export function faultTable(outcomes: readonly FaultOutcome[]): string {
  const header = [
    "fault",
    "sent",
    "stored / evaluated",
    "quarantined (reason)",
    "in DLQ",
    "unaccounted",
    "transitions (got / truth)",
    "events (published / distinct / expected, wrong)",
    "injected",
  ];
  const rows = outcomes.map((outcome) => [
    outcome.fault,
    String(outcome.sent),
    outcome.duplicatePoints
      ? `${outcome.stored} (+${outcome.duplicatePoints} duplicate points)`
      : String(outcome.stored),
    quarantinedCell(outcome.quarantined),
    String(outcome.deadLettered),
    String(outcome.unaccounted),
    outcome.transitions
      ? `${outcome.transitions.got} / ${outcome.transitions.truth}${outcome.transitions.identical ? " identical" : " DIFFERENT"}`
      : "-",
    outcome.events
      ? `${outcome.events.published} / ${outcome.events.distinctKeys} / ${outcome.events.expected}, ${outcome.events.wrong}`
      : "-",
    outcome.injected,
  ]);
  return markdownTable(header, rows);
}

/** One row per surface fuzzed with hostile inputs: every input refused with a reason or accepted. */
export function hostileInputsTable(rows: readonly HostileInputsRow[]): string {
  const header = [
    "surface",
    "hostile inputs",
    "refused",
    "accepted",
    "crashes",
    "distinct reasons",
    "first crash",
  ];
  return markdownTable(
    header,
    rows.map((row) => [
      row.surface,
      String(row.inputs),
      String(row.refused),
      String(row.accepted),
      String(row.crashes),
      `${row.reasons.length}: ${shortList(row.reasons)}`,
      row.firstCrash ?? "-",
    ]),
  );
}

const SHOWN_REASONS = 12;

function shortList(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_REASONS).join(", ");
  return items.length > SHOWN_REASONS ? `${shown}, …` : shown;
}

/** Columns padded to their widest cell, as the formatter lays out the Markdown tables it checks. */
function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escaped = [header, ...rows].map((cells) => cells.map((cell) => cell.replaceAll("|", "\\|")));
  const widths = header.map((_, column) =>
    Math.max(3, ...escaped.map((cells) => [...(cells[column] ?? "")].length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, column) => cell + " ".repeat((widths[column] ?? 0) - [...cell].length)).join(" | ")} |`;
  const [head = [], ...body] = escaped;
  return [line(head), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n");
}

function quarantinedCell(quarantined: Readonly<Record<string, number>>): string {
  const entries = Object.entries(quarantined).filter(([, count]) => count > 0);
  if (entries.length === 0) return "0";
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, count]) => `${count} ${reason}`)
    .join(", ");
}

/** Whether the outcome keeps the promises: nothing unaccounted or stored twice, the truth's transitions and events. */
export function keepsPromises(outcome: FaultOutcome): boolean {
  return (
    outcome.unaccounted === 0 &&
    (outcome.duplicatePoints ?? 0) === 0 &&
    (outcome.transitions?.identical ?? true) &&
    (outcome.events === undefined ||
      (outcome.events.wrong === 0 && outcome.events.distinctKeys === outcome.events.expected))
  );
}
