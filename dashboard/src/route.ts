/**
 * The dashboard's pages by path. The one place that knows them: the dashboard routes with it, the
 * local HTTP server answers exactly these paths with the page, and sign-in can stash a path and
 * come back to it.
 */
export type View =
  | { readonly kind: "overview" }
  | { readonly kind: "alarm"; readonly alarmId: string }
  | { readonly kind: "kpis" }
  | { readonly kind: "notFound"; readonly path: string };

const ALARM_PREFIX = "/alarms/";
const KPIS_PATH = "/kpis";

/**
 * `/` is the overview; `/alarms/{alarmId}` (the id URI-encoded, as notifications link to it:
 * `alarmUrl`) an alarm's page; `/kpis` the equipment KPIs; anything else is no page. Pure: no
 * `location`, no DOM.
 */
export function routeOf(pathname: string): View {
  if (pathname === "/" || pathname === "/index.html") return { kind: "overview" };
  if (pathname === KPIS_PATH) return { kind: "kpis" };
  if (pathname.startsWith(ALARM_PREFIX)) {
    const segment = pathname.slice(ALARM_PREFIX.length);
    // An id's own slashes arrive encoded (%2F); a bare one is a path the dashboard has no page for.
    if (segment !== "" && !segment.includes("/")) {
      const alarmId = decoded(segment);
      if (alarmId !== undefined && alarmId !== "") return { kind: "alarm", alarmId };
    }
  }
  return { kind: "notFound", path: pathname };
}

/** The path of a view, so that `routeOf(pathOf(view))` is that view again. */
export function pathOf(view: View): string {
  switch (view.kind) {
    case "overview":
      return "/";
    case "alarm":
      return `${ALARM_PREFIX}${encodeURIComponent(view.alarmId)}`;
    case "kpis":
      return KPIS_PATH;
    case "notFound":
      return view.path;
  }
}

function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape (`%E0%A4%A`) names no alarm.
    return undefined;
  }
}
