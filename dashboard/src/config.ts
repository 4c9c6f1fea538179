/** Where the dashboard finds the operator API (C7) and the live events. */
export interface DashboardConfig {
  /** Base URL of the C7 routes, without a trailing slash. */
  readonly apiBase: string;
  /** Server-Sent Events URL (`shared/contracts/liveEvents.ts`). */
  readonly eventsUrl: string;
  /**
   * How alarm changes arrive: `sse` from `eventsUrl` (the local stack), or `poll` of
   * `GET /alarms/changes` where there are no Server-Sent Events (behind API Gateway).
   */
  readonly live: "sse" | "poll";
}

/**
 * From the query (`?api=https://.../prod&events=...&live=poll`) or else the page's
 * `<meta name="plantwatch:api">` / `<meta name="plantwatch:events">` / `<meta name="plantwatch:live">`, relative to the document's base
 * (`<base href="/">`, the site root) rather than the page, so `/alarms/{id}` still finds `/api`: the
 * local stack serves both at its root, a hosted copy points them elsewhere.
 */
export function readConfig(page: Document, location: Location): DashboardConfig {
  const query = new URLSearchParams(location.search);
  const meta = (name: string) =>
    page.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content || undefined;
  const api = query.get("api") ?? meta("plantwatch:api") ?? "api";
  const events = query.get("events") ?? meta("plantwatch:events") ?? "events";
  const live = query.get("live") ?? meta("plantwatch:live");
  return {
    apiBase: new URL(api, page.baseURI).href.replace(/\/+$/, ""),
    eventsUrl: new URL(events, page.baseURI).href,
    live: live === "poll" ? "poll" : "sse",
  };
}
