import {
  ACTION_SEGMENTS,
  type ActionResult,
  type AlarmChanges,
  type AlarmView,
  API_LIMITS,
} from "../../../shared/contracts/operatorApi.ts";
import { isReminder } from "../../../shared/domain/alarms/alarmEvent.ts";
import { parseAlarmId } from "../../../shared/domain/alarms/alarmState.ts";
import { compileThingGlobs } from "../../../shared/domain/thingGlob.ts";
import { createActorResolver } from "../actor.ts";
import { type OperatorApiDependencies, ruleSummaries } from "../dependencies.ts";
import { type ApiRoute, deadlineOf, json, route } from "../http.ts";
import { pageOf, pageRequest } from "../paging.ts";
import { OperatorApiError, RequestProblems } from "../protocol/apiError.ts";
import { changeCursorAt, decodeChangeCursor, encodeChangeCursor } from "../protocol/changeCursor.ts";
import { encodeCursor } from "../protocol/cursor.ts";
import { actionBody, jsonBody } from "../protocol/requestBodies.ts";
import {
  alarmId as alarmIdParameter,
  pageLimit,
  quote,
  readQuery,
  severityList,
  stateList,
  text,
  thingGlob,
} from "../protocol/requestParameters.ts";
import { alarmView, alarmViewsOf, historyView } from "../protocol/views.ts";
import { alarmDocs } from "./devices.ts";

export function alarmRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  const identify = createActorResolver(deps.operators, deps.log);
  return [
    route("GET /alarms", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(
        event.queryStringParameters,
        ["state", "severity", "thing", "site", "line", "limit", "next"],
        problems,
      );
      const states = stateList(query.state, problems);
      const severities = severityList(query.severity, problems);
      const glob = query.thing === undefined ? undefined : thingGlob(query.thing, "query.thing", problems);
      const site = query.site === undefined ? undefined : text(query.site, 128, "query.site", problems);
      const line = query.line === undefined ? undefined : text(query.line, 128, "query.line", problems);
      const page = pageRequest(query, "alarms", problems);
      problems.throwIfAny();

      const matches = glob === undefined ? undefined : compileThingGlobs([glob]);
      const [docs, rules, devices, silences] = await Promise.all([
        alarmDocs(deps),
        ruleSummaries(deps),
        deps.registry.list(),
        deps.silences.list(),
      ]);
      const byThing = new Map(devices.map((device) => [device.thingName, device]));
      const now = deps.clock.now();
      const views: AlarmView[] = [];
      for (const doc of docs.values()) {
        if (matches !== undefined && !matches.test(doc.thingName)) continue;
        const device = byThing.get(doc.thingName);
        if (site !== undefined && device?.site !== site) continue;
        if (line !== undefined && device?.line !== line) continue;
        for (const view of alarmViewsOf(doc, rules, device, silences, now)) {
          if (states !== undefined && !states.has(view.state)) continue;
          if (severities !== undefined && !severities.has(view.rule.severity)) continue;
          views.push(view);
        }
      }
      views.sort((a, b) => (a.alarmId < b.alarmId ? -1 : a.alarmId > b.alarmId ? 1 : 0));
      return json(
        200,
        pageOf(views, (view) => view.alarmId, page, "alarms"),
      );
    }),

    route("GET /alarms/changes", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(event.queryStringParameters, ["since", "limit"], problems);
      const limit = pageLimit(query.limit, problems);
      const now = deps.clock.now();
      const after = query.since === undefined ? undefined : decodeChangeCursor(query.since, now, problems);
      problems.throwIfAny();
      if (after === undefined)
        return json(200, { items: [], cursor: changeCursorAt(now) } satisfies AlarmChanges);

      const changed = new Set<string>();
      let last = after;
      let more = false;
      let read = 0;
      for await (const change of deps.alarms.changesAfter(after, now)) {
        // A full page of alarms, or of entries: the next answer continues right after `last`.
        const fullOfAlarms = !changed.has(change.alarmId) && changed.size === limit;
        if (fullOfAlarms || read === API_LIMITS.maxChangeEntriesRead) {
          more = true;
          break;
        }
        read++;
        changed.add(change.alarmId);
        last = change.position;
      }
      const result: AlarmChanges = {
        items: changed.size === 0 ? [] : await currentViews(deps, changed),
        // A full page continues exactly after its last entry; a complete answer starts again a little
        // before now (CHANGE_CURSOR_OVERLAP_MS).
        ...(more ? { cursor: encodeChangeCursor(last), more: true } : { cursor: changeCursorAt(now) }),
      };
      return json(200, result);
    }),

    route("GET /alarms/{alarmId}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const ids = alarmIdParameter(event.pathParameters?.alarmId, "path.alarmId", problems);
      problems.throwIfAny();
      if (!ids) return unreachable();
      return json(200, await currentView(deps, ids));
    }),

    route("GET /alarms/{alarmId}/history", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(event.queryStringParameters, ["limit", "next"], problems);
      const ids = alarmIdParameter(event.pathParameters?.alarmId, "path.alarmId", problems);
      const list = `history:${ids?.alarmId ?? ""}`;
      const page = pageRequest(query, list, problems);
      problems.throwIfAny();
      if (!ids) return unreachable();

      const history = await deps.alarms.history(ids.alarmId, page);
      if (history.entries.length === 0 && page.after === undefined) {
        const doc = await deps.alarms.load(ids.thingName);
        if (!doc?.alarms[ids.ruleId])
          throw new OperatorApiError("not_found", `alarm ${ids.alarmId} does not exist`);
      }
      const items = history.entries.map(historyView);
      return json(200, {
        items,
        ...(history.last === undefined ? {} : { next: encodeCursor(list, history.last) }),
      });
    }),

    route("POST /alarms/{alarmId}/{action}", async (event, context) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const ids = alarmIdParameter(event.pathParameters?.alarmId, "path.alarmId", problems);
      const segment = event.pathParameters?.action ?? "";
      const action = Object.hasOwn(ACTION_SEGMENTS, segment) ? ACTION_SEGMENTS[segment] : undefined;
      if (action === undefined) {
        problems.add(
          "path.action",
          `must be one of ${Object.keys(ACTION_SEGMENTS).join(", ")}, not ${quote(segment)}`,
        );
      }
      const body = jsonBody(event, { required: false });
      const request = action === undefined ? {} : actionBody(body, action, problems);
      problems.throwIfAny();
      if (!ids || action === undefined) return unreachable();

      const now = deps.clock.now();
      const report = await deps.engine.act(
        ids.alarmId,
        {
          action,
          actor: { id: await identify(event), ...(request.note === undefined ? {} : { note: request.note }) },
          ...(request.durationMs === undefined ? {} : { durationMs: request.durationMs }),
        },
        { deadline: deadlineOf(context, now) },
      );
      const transition = report.events.find((detail) => !isReminder(detail));
      const result: ActionResult = {
        alarm: await currentView(deps, ids),
        ...(transition === undefined ? {} : { event: transition }),
      };
      return json(200, result);
    }),
  ];
}

async function currentView(
  deps: OperatorApiDependencies,
  ids: { readonly alarmId: string; readonly ruleId: string; readonly thingName: string },
): Promise<AlarmView> {
  const [doc, rules, device, silences] = await Promise.all([
    deps.alarms.load(ids.thingName),
    ruleSummaries(deps),
    deps.registry.get(ids.thingName),
    deps.silences.list(),
  ]);
  const instance = doc?.alarms[ids.ruleId];
  const rule = rules.get(ids.ruleId);
  if (!instance || !rule) throw new OperatorApiError("not_found", `alarm ${ids.alarmId} does not exist`);
  return alarmView(ids.thingName, instance, rule, device, silences, deps.clock.now());
}

/** The current views of `alarmIds`, by alarm id; an alarm whose rule or instance is gone has none. */
async function currentViews(
  deps: OperatorApiDependencies,
  alarmIds: ReadonlySet<string>,
): Promise<AlarmView[]> {
  const byThing = new Map<string, Set<string>>();
  for (const alarmId of alarmIds) {
    const ids = parseAlarmId(alarmId);
    if (ids) byThing.set(ids.thingName, (byThing.get(ids.thingName) ?? new Set()).add(ids.ruleId));
  }
  const things = [...byThing.keys()];
  const [docs, devices, rules, silences] = await Promise.all([
    Promise.all(things.map((thingName) => deps.alarms.load(thingName))),
    Promise.all(things.map((thingName) => deps.registry.get(thingName))),
    ruleSummaries(deps),
    deps.silences.list(),
  ]);
  const now = deps.clock.now();
  return things
    .flatMap((thingName, index) => {
      const doc = docs[index];
      if (!doc) return [];
      const views = alarmViewsOf(doc, rules, devices[index], silences, now);
      return views.filter((view) => byThing.get(thingName)?.has(view.rule.id));
    })
    .sort((a, b) => (a.alarmId < b.alarmId ? -1 : a.alarmId > b.alarmId ? 1 : 0));
}

/** Validation above has thrown for every undefined parameter; this keeps the types honest. */
function unreachable(): never {
  throw new Error("a validated parameter is missing");
}
