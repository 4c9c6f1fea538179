import type { AlarmRuleDocument } from "../../shared/contracts/alarmRules.ts";
import type { KpiBucket, KpiResponse } from "../../shared/contracts/kpis.ts";
import type {
  ActionBody,
  ActionResult,
  AlarmChanges,
  AlarmView,
  DeviceView,
  ErrorBody,
  HistoryView,
  Page,
  RulesView,
  SilenceBody,
  SilenceView,
  TelemetryView,
} from "../../shared/contracts/operatorApi.ts";
import type { ApiFetcher } from "./auth/signedFetch.ts";

/** A C7 error body (or a failure to reach the API), with the message worth showing an operator. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

/** What `GET /kpis` selects: one device, else a line (of a site), else a site, else all; and when. */
export interface KpiQuery {
  readonly device?: string;
  readonly site?: string;
  readonly line?: string;
  /** ISO times. */
  readonly from: string;
  readonly to: string;
  readonly bucket: KpiBucket;
}

export type AlarmActionSegment = "acknowledge" | "snooze" | "reset" | "disable" | "enable";

/** Lists are read to the end, but never past this many pages (a safety net, not a limit in practice). */
const MAX_PAGES = 50;

/** The operator API (C7), typed by its contract. */
export class OperatorApiClient {
  readonly #base: string;
  readonly #fetch: ApiFetcher;

  /** `fetcher` signs each request when the console is hosted (IAM-authorised API); locally it is `fetch`. */
  constructor(base: string, fetcher: ApiFetcher = (url, init) => fetch(url, init)) {
    this.#base = base;
    this.#fetch = fetcher;
  }

  devices(): Promise<DeviceView[]> {
    return this.#all<DeviceView>("/devices");
  }

  alarms(): Promise<AlarmView[]> {
    return this.#all<AlarmView>("/alarms");
  }

  alarm(alarmId: string): Promise<AlarmView> {
    return this.#request("GET", `/alarms/${encodeURIComponent(alarmId)}`);
  }

  /** The alarms changed since `since` (a cursor of a previous answer); without it, a cursor to start from. */
  alarmChanges(since?: string): Promise<AlarmChanges> {
    return this.#request(
      "GET",
      `/alarms/changes${since === undefined ? "" : `?since=${encodeURIComponent(since)}`}`,
    );
  }

  history(alarmId: string): Promise<HistoryView[]> {
    return this.#all<HistoryView>(`/alarms/${encodeURIComponent(alarmId)}/history`);
  }

  act(alarmId: string, action: AlarmActionSegment, body: ActionBody): Promise<ActionResult> {
    return this.#request("POST", `/alarms/${encodeURIComponent(alarmId)}/${action}`, body);
  }

  /** The API's default range: the last hour by the server's clock. */
  telemetry(thingName: string, metric: string): Promise<TelemetryView> {
    return this.#request(
      "GET",
      `/devices/${encodeURIComponent(thingName)}/telemetry?metric=${encodeURIComponent(metric)}`,
    );
  }

  /** The selection's and its lines' KPIs: the first page, which carries both (later pages only add devices). */
  kpis(query: KpiQuery): Promise<KpiResponse> {
    const parameters = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) parameters.set(name, value);
    }
    return this.#request("GET", `/kpis?${parameters}`);
  }

  async rules(): Promise<readonly AlarmRuleDocument[]> {
    return (await this.#request<RulesView>("GET", "/rules")).items;
  }

  silences(): Promise<SilenceView[]> {
    return this.#all<SilenceView>("/silences");
  }

  putSilence(id: string, body: SilenceBody): Promise<SilenceView> {
    return this.#request("PUT", `/silences/${encodeURIComponent(id)}`, body);
  }

  async deleteSilence(id: string): Promise<void> {
    await this.#request("DELETE", `/silences/${encodeURIComponent(id)}`);
  }

  async #all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = `limit=1000${next === undefined ? "" : `&next=${encodeURIComponent(next)}`}`;
      const result = await this.#request<Page<T>>("GET", `${path}?${query}`);
      items.push(...result.items);
      next = result.next;
      if (next === undefined) break;
    }
    return items;
  }

  async #request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new ApiError(0, "unreachable", `the operator API is unreachable (${String(error)})`);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    if (response.ok) return JSON.parse(text) as T;
    throw errorOf(response.status, text);
  }
}

function errorOf(status: number, text: string): ApiError {
  try {
    const { error } = JSON.parse(text) as ErrorBody;
    const details = (error.details ?? []).map((detail) => `${detail.path}: ${detail.message}`);
    return new ApiError(status, error.code, [error.message, ...details].join("; "));
  } catch {
    return new ApiError(status, "http_error", `HTTP ${status}: ${text.slice(0, 200)}`);
  }
}
