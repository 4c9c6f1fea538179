/**
 * C7, the operator HTTP API: routes, the JSON the handler returns, and its error codes. The Lambda
 * handler (`functions/api`), the local server and the CLI all build on this file, so a change here
 * is a contract change (README "Contract versions").
 *
 * Times in responses are ISO 8601 UTC strings; in requests, ISO 8601 or epoch milliseconds.
 */
import type { AlarmEventDetail } from "../domain/alarms/alarmEvent.ts";
import type { AlarmStateName, OperatorAction } from "../domain/alarms/alarmState.ts";
import type { RuleKind, Severity } from "../domain/alarms/rule.ts";
import type { AlarmRuleDocument } from "./alarmRules.ts";

/** Every route, as API Gateway and the router name them (`{name}` is one path segment). */
export const OPERATOR_ROUTES = [
  "GET /devices",
  "GET /devices/{thingName}",
  "GET /devices/{thingName}/telemetry",
  "GET /alarms",
  // Before `GET /alarms/{alarmId}`: the router takes the first route whose template matches.
  "GET /alarms/changes",
  "GET /alarms/{alarmId}",
  "GET /alarms/{alarmId}/history",
  "POST /alarms/{alarmId}/{action}",
  "GET /rules",
  "PUT /rules/{id}",
  "DELETE /rules/{id}",
  "GET /silences",
  "PUT /silences/{id}",
  "DELETE /silences/{id}",
  "GET /kpis",
] as const;
export type OperatorRoute = (typeof OPERATOR_ROUTES)[number];

/** The `{action}` path segment of `POST /alarms/{alarmId}/{action}` (lower case; `ack` is short for acknowledge). */
export const ACTION_SEGMENTS: Readonly<Record<string, OperatorAction>> = {
  ack: "ACKNOWLEDGE",
  acknowledge: "ACKNOWLEDGE",
  snooze: "SNOOZE",
  disable: "DISABLE",
  enable: "ENABLE",
  reset: "RESET",
};

/** Bounds every handler enforces before touching a store. */
export const API_LIMITS = {
  /** Request bodies larger than this are refused (413) before parsing. */
  maxBodyBytes: 64 * 1024,
  /** Longest note on an action or comment on a silence. */
  maxNoteLength: 1000,
  /** `GET /alarms/changes`: change-feed entries read per answer at most (a flapping alarm's burst goes on in `more`). */
  maxChangeEntriesRead: 1000,
  /** Default and largest `limit` of a paged list. */
  defaultPageSize: 100,
  maxPageSize: 1000,
  /** Telemetry: the largest `to - from`, the default range (ending now), and the most points returned. */
  maxTelemetryRangeMs: 31 * 24 * 3600_000,
  defaultTelemetryRangeMs: 3600_000,
  maxTelemetryPoints: 10_000,
  /** Telemetry `step` bounds. */
  minStepMs: 1000,
  maxStepMs: 24 * 3600_000,
  /** KPIs (C9): the largest range, the default range (ending now), the most devices and bucket rows. */
  maxKpiRangeMs: 31 * 24 * 3600_000,
  defaultKpiRangeMs: 24 * 3600_000,
  maxKpiDevices: 500,
  /** Buckets × (lines + 1) of one answer. */
  maxKpiBucketRows: 20_000,
  /** Longest snooze, and longest silence. */
  maxSnoozeMs: 7 * 24 * 3600_000,
  maxSilenceMs: 90 * 24 * 3600_000,
} as const;

export const ERROR_CODES = [
  /** A path or query parameter or the body is malformed; `details` lists each problem. */
  "invalid_request",
  /** The body is larger than `API_LIMITS.maxBodyBytes`. */
  "payload_too_large",
  /** No route for this method and path. */
  "route_not_found",
  /** The route exists with other methods. */
  "method_not_allowed",
  /** The device, alarm, rule or silence does not exist. */
  "not_found",
  /** The alarm's current state does not allow the action (e.g. acknowledging a NORMAL alarm). */
  "action_not_allowed",
  /** The write lost to concurrent writers every time; try again. */
  "conflict",
  /** A store or AWS service refused or timed out; try again. */
  "unavailable",
  /** A bug: the message says no more than that; the log has the details under the request id. */
  "internal",
  /**
   * Local stack only (on AWS, API Gateway's IAM check answers first): the Host does not name the
   * server, or a write comes from another site's page; `details` names the header.
   */
  "forbidden",
  /** Local stack only: a body that is not declared `Content-Type: application/json`. */
  "unsupported_media_type",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_STATUS: Readonly<Record<ErrorCode, number>> = {
  invalid_request: 400,
  payload_too_large: 413,
  route_not_found: 404,
  method_not_allowed: 405,
  not_found: 404,
  action_not_allowed: 409,
  conflict: 409,
  unavailable: 503,
  internal: 500,
  forbidden: 403,
  unsupported_media_type: 415,
};

/** One problem with the request: where (`query.from`, `path.thingName`, `body.match.things[0]`) and what. */
export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

/** C7 error body. */
export interface ErrorBody {
  readonly error: {
    readonly code: ErrorCode;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
    /** Lambda request id (or the local server's), to find the log lines. */
    readonly requestId?: string;
  };
}

/** A page of a list: pass `next` back as `?next=` for the following page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export interface DeviceView {
  readonly thingName: string;
  readonly site?: string;
  readonly line?: string;
  readonly model?: string;
  readonly attributes?: Readonly<Record<string, string | number>>;
  /**
   * ISO; the thing's last report as stored: in direct mode written at most once per
   * `lastSeenIntervalSeconds`, in stream mode by the alarm consumer at least every 15 minutes.
   */
  readonly lastSeen?: string;
  /** From the C1 lifecycle events, when the thing has offline rules. */
  readonly connectivity?: { readonly connected: boolean; readonly since: string };
  /** Alarms of the thing not NORMAL or DISABLED. */
  readonly activeAlarms: number;
  /**
   * False for a thing that published without being provisioned (the local stack lists those, from
   * its series); absent for every registered device.
   */
  readonly provisioned?: false;
}

/** `GET /devices/{thingName}`. */
export interface DeviceDetailView extends DeviceView {
  readonly alarms: readonly AlarmView[];
}

export interface AlarmView {
  readonly alarmId: string;
  readonly thingName: string;
  readonly rule: {
    readonly id: string;
    readonly name: string;
    readonly severity: Severity;
    readonly kind: RuleKind;
  };
  readonly device: { readonly site?: string; readonly line?: string };
  readonly state: AlarmStateName;
  /** ISO: the last transition. */
  readonly since: string;
  readonly activeSince?: string;
  readonly snoozedUntil?: string;
  readonly lastNotifiedAt?: string;
  readonly escalatedTo?: Severity;
  /** Id of the silence that keeps this alarm from notifying now, if any. */
  readonly silencedBy?: string;
}

/**
 * `GET /alarms/changes?since=&limit=`: the current view of each alarm whose history was written after
 * the cursor (at most `limit` alarms, from at most `maxChangeEntriesRead` feed entries). Without
 * `since`: no items, only a cursor to start from. Pass
 * `cursor` back as `since`, at once when `more` is set. A cursor older than two days, or not one
 * this route issued, is refused with `invalid_request` and a detail at `query.since`: reload the
 * whole list (`GET /alarms`) and start again without `since`.
 */
export interface AlarmChanges {
  readonly items: readonly AlarmView[];
  readonly cursor: string;
  readonly more?: true;
}

/** `GET /alarms/{alarmId}/history`: a C4 history entry with ISO times. */
export type HistoryView =
  | {
      readonly kind: "transition";
      readonly at: string;
      readonly from: AlarmStateName;
      readonly to: AlarmStateName;
      readonly reason: string;
      readonly trigger?: {
        readonly metric: string;
        readonly value: number | string | boolean;
        readonly sampleTime: string;
      };
      readonly actor?: { readonly id: string; readonly note?: string };
      readonly action?: OperatorAction;
    }
  | {
      readonly kind: "late";
      readonly at: string;
      readonly metric: string;
      readonly value: number | string | boolean;
      readonly lastSampleTime: string;
      readonly receivedAt: string;
    }
  | {
      readonly kind: "action";
      readonly at: string;
      readonly action: OperatorAction;
      readonly actor: { readonly id: string; readonly note?: string };
      readonly state: AlarmStateName;
      readonly detail?: string;
    }
  | {
      /** A repeat or escalation reminder the sweep sent (not a transition). */
      readonly kind: "reminder";
      readonly at: string;
      readonly reminder: "repeat" | "escalate";
      readonly number: number;
      readonly severity: Severity;
    };

/** `POST /alarms/{alarmId}/{action}` body: `duration` (C3 duration such as `30m`) only for snooze, where it is required. */
export interface ActionBody {
  readonly note?: string;
  readonly duration?: string;
}

/** `POST /alarms/{alarmId}/{action}` response. */
export interface ActionResult {
  readonly alarm: AlarmView;
  /** The C5 event of the transition; absent when the action changed no state (snoozing again). */
  readonly event?: AlarmEventDetail;
}

/** `GET /devices/{thingName}/telemetry?metric=&from=&to=&step=`. */
export interface TelemetryView {
  readonly thingName: string;
  readonly metric: string;
  readonly from: string;
  readonly to: string;
  /** Present when bucketed: the bucket width, e.g. `1m`. */
  readonly step?: string;
  /** Oldest first. Raw: `value`. Bucketed: `value` is the bucket average, with min, max and count. */
  readonly points: readonly {
    readonly time: string;
    readonly value: number;
    readonly min?: number;
    readonly max?: number;
    readonly count?: number;
  }[];
  /** True when more points existed than `API_LIMITS.maxTelemetryPoints` (the newest are kept). */
  readonly truncated: boolean;
}

/** `GET /rules`. */
export interface RulesView {
  readonly version: string;
  readonly items: readonly AlarmRuleDocument[];
}

/** `PUT /rules/{id}` response. */
export interface RulePutResult {
  readonly rule: AlarmRuleDocument;
  readonly created: boolean;
}

/** `PUT /silences/{id}` body. `startsAt` defaults to now; `endsAt` or `duration` is required. */
export interface SilenceBody {
  readonly match: { readonly things?: readonly string[]; readonly site?: string; readonly line?: string };
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly duration?: string;
  readonly comment?: string;
}

export interface SilenceView {
  readonly id: string;
  readonly match: { readonly things?: readonly string[]; readonly site?: string; readonly line?: string };
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly comment?: string;
  /** Whether it silences now (the server's clock). */
  readonly active: boolean;
}
