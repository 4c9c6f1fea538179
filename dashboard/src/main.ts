import type { LiveEvent } from "../../shared/contracts/liveEvents.ts";
import { AlarmConsole } from "./alarmConsole.ts";
import { AlarmPage } from "./alarmPage.ts";
import { AlarmPoller } from "./alarmPolling.ts";
import { OperatorApiClient } from "./api.ts";
import type { ConsoleSession } from "./auth/consoleSession.ts";
import { connect } from "./connect.ts";
import { DeviceView } from "./deviceView.ts";
import { byId, setText } from "./dom.ts";
import { FleetView } from "./fleetView.ts";
import { FrameScheduler } from "./frame.ts";
import { AlarmHistoryView } from "./historyView.ts";
import { KpiView } from "./kpiView.ts";
import { type ConnectionStatus, connectLiveEvents } from "./liveEvents.ts";
import { Navigation } from "./navigation.ts";
import type { View } from "./route.ts";
import { RulesView } from "./rulesView.ts";
import { SilencesView } from "./silencesView.ts";
import { DashboardStore } from "./store.ts";
import { Toasts } from "./toasts.ts";

/** "Last seen" is relative; refresh it now and then rather than on every sample. */
const CLOCK_TICK_MS = 5000;

// While the browser leaves to sign in, nothing here starts.
const reached = (await connect(document, location)) ?? (await new Promise<never>(() => {}));
const { config } = reached;
const api = new OperatorApiClient(config.apiBase, reached.fetcher);
if (reached.session) showSignedIn(reached.session);
const store = new DashboardStore();
const frames = new FrameScheduler();
const navigation = new Navigation(showView);

const fleet = new FleetView(byId("fleet"), store);
const device = new DeviceView(byId("device"), store, api, frames);
const alarms = new AlarmConsole(byId("alarms"), store, api, navigation);
const alarmPage = new AlarmPage(byId("alarm-page"), store, api, navigation);
const history = new AlarmHistoryView(byId("history"), store, api, {
  alarmIdOf: () => store.selectedAlarm,
  placeholder: "Choose History on an alarm to see what happened to it.",
});
const rules = new RulesView(byId("rules"), store);
const silences = new SilencesView(byId("silences"), store, api);
const kpis = new KpiView(byId("kpis"), store, api);
const toasts = new Toasts(byId("toasts"), (alarmId) => navigation.go({ kind: "alarm", alarmId }));
const banner = byId("banner");
const connection = byId("connection");
const overview = byId("overview");
const notFound = byId("not-found");
const pageLinks = [
  navigation.link({ kind: "overview" }, { "data-testid": "nav-overview", "data-view": "overview" }, "Alarms"),
  navigation.link({ kind: "kpis" }, { "data-testid": "nav-kpis", "data-view": "kpis" }, "KPIs"),
];
byId("pages").append(...pageLinks);

/** One view at a time; the overview's views keep rendering underneath, so going back is instant. */
function showView(view: View): void {
  overview.hidden = view.kind !== "overview";
  byId("alarm-page").hidden = view.kind !== "alarm";
  byId("kpis").hidden = view.kind !== "kpis";
  notFound.hidden = view.kind !== "notFound";
  document.body.dataset.view = view.kind;
  for (const link of pageLinks) {
    if (link.dataset.view === view.kind) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (view.kind === "alarm") alarmPage.show(view.alarmId);
  if (view.kind === "kpis") void kpis.load();
  if (view.kind === "notFound") setText(byId("not-found-path"), view.path);
}

const renderFleet = () => fleet.render();
const renderAlarms = () => alarms.render();
const renderAlarmPage = () => alarmPage.render();
const renderHistory = () => void history.render();
const renderRules = () => rules.render();
const renderSilences = () => silences.render();
const addCharts = () => device.addCharts();
const refreshAlarmBands = () => device.refreshAlarms();
const selectDevice = () => device.select();
const renderKpiScopes = () => kpis.renderScopes();

store.on("devices", () => {
  frames.schedule(renderFleet);
  frames.schedule(renderAlarms);
  frames.schedule(renderKpiScopes);
});
store.on("alarms", () => {
  frames.schedule(renderFleet);
  frames.schedule(renderAlarms);
  frames.schedule(renderAlarmPage);
  frames.schedule(renderHistory);
  frames.schedule(refreshAlarmBands);
});
store.on("rules", () => {
  frames.schedule(renderRules);
  frames.schedule(addCharts);
});
store.on("silences", () => frames.schedule(renderSilences));
store.on("metrics", () => frames.schedule(addCharts));
store.on("selection", () => {
  frames.schedule(selectDevice);
  frames.schedule(renderFleet);
  frames.schedule(renderAlarms);
  frames.schedule(renderHistory);
});

async function load(): Promise<void> {
  try {
    const [deviceList, alarmList, ruleList, silenceList] = await Promise.all([
      api.devices(),
      api.alarms(),
      api.rules(),
      api.silences(),
    ]);
    store.rules = ruleList;
    store.silences = silenceList;
    store.setAlarms(alarmList);
    store.setDevices(deviceList);
    store.changed("rules");
    store.changed("silences");
    setText(banner, "");
    banner.hidden = true;
    document.body.dataset.ready = "true";
  } catch (error) {
    setText(banner, `Could not load from the operator API at ${config.apiBase}: ${(error as Error).message}`);
    banner.hidden = false;
  }
}

function onLiveEvent(event: LiveEvent): void {
  store.apply(event);
  if (event.type !== "alarm") return;
  toasts.show(event);
  const { detail } = event;
  const known = store.alarms.get(detail.alarmId);
  // Show the new state at once; the full view (snooze time, silences) follows from the API.
  if (known !== undefined) {
    store.putAlarm({ ...known, state: detail.state.value, since: detail.state.timestamp });
  }
  api.alarm(detail.alarmId).then(
    (view) => store.putAlarm(view),
    (error: unknown) => console.warn(`alarm ${detail.alarmId} not reloaded`, error),
  );
}

let everOpen = false;
function onConnection(status: ConnectionStatus): void {
  connection.dataset.state = status;
  setText(connection, status === "open" ? "live" : `${status}…`);
  if (status !== "open") return;
  // Events sent while the stream was down are gone: read everything again.
  if (everOpen) void load();
  everOpen = true;
}

/** Without Server-Sent Events, alarm changes come by polling; live telemetry and connectivity do not. */
function pollAlarmChanges(): void {
  const poller = new AlarmPoller({
    api,
    onViews: (views) => {
      for (const view of views) store.putAlarm(view);
    },
    reload: load,
    onStatus: (status) => {
      connection.dataset.state = status;
      setText(connection, status === "open" ? "live" : `${status}…`);
    },
    isVisible: () => document.visibilityState === "visible",
  });
  document.addEventListener("visibilitychange", () => poller.visibilityChanged());
  poller.start();
}

/** Who is signed in, and the way out: only on a hosted console. */
function showSignedIn(session: ConsoleSession): void {
  setText(byId("user"), session.user);
  const signOut = byId<HTMLButtonElement>("sign-out");
  signOut.addEventListener("click", () => session.signOut());
  byId("session").hidden = false;
}

navigation.start();
void load();
if (config.live === "poll") pollAlarmChanges();
else connectLiveEvents(config.eventsUrl, onLiveEvent, onConnection);
setInterval(() => frames.schedule(renderFleet), CLOCK_TICK_MS);
