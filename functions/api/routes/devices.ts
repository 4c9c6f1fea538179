import type { DeviceDetailView, DeviceView } from "../../../shared/contracts/operatorApi.ts";
import type { ThingAlarms } from "../../../shared/domain/alarms/alarmState.ts";
import { compileThingGlobs } from "../../../shared/domain/thingGlob.ts";
import { type OperatorApiDependencies, ruleSummaries } from "../dependencies.ts";
import { type ApiRoute, json, route } from "../http.ts";
import { pageOf, pageRequest } from "../paging.ts";
import { OperatorApiError, RequestProblems } from "../protocol/apiError.ts";
import { readQuery, text, thingGlob, thingName } from "../protocol/requestParameters.ts";
import { alarmViewsOf, deviceView } from "../protocol/views.ts";

export function deviceRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  return [
    route("GET /devices", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(
        event.queryStringParameters,
        ["thing", "site", "line", "limit", "next"],
        problems,
      );
      const glob = query.thing === undefined ? undefined : thingGlob(query.thing, "query.thing", problems);
      const site = query.site === undefined ? undefined : text(query.site, 128, "query.site", problems);
      const line = query.line === undefined ? undefined : text(query.line, 128, "query.line", problems);
      const page = pageRequest(query, "devices", problems);
      problems.throwIfAny();

      const matches = glob === undefined ? undefined : compileThingGlobs([glob]);
      const [devices, docs, rules] = await Promise.all([
        deps.registry.list(),
        alarmDocs(deps),
        ruleSummaries(deps),
      ]);
      const views: DeviceView[] = devices
        .filter(
          (device) =>
            (matches === undefined || matches.test(device.thingName)) &&
            (site === undefined || device.site === site) &&
            (line === undefined || device.line === line),
        )
        .map((device) => deviceView(device, docs.get(device.thingName), rules));
      return json(
        200,
        pageOf(views, (view) => view.thingName, page, "devices"),
      );
    }),

    route("GET /devices/{thingName}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const name = thingName(event.pathParameters?.thingName, "path.thingName", problems);
      problems.throwIfAny();

      const [device, doc, rules, silences] = await Promise.all([
        deps.registry.get(name as string),
        deps.alarms.load(name as string),
        ruleSummaries(deps),
        deps.silences.list(),
      ]);
      if (!device) throw new OperatorApiError("not_found", `device ${name} is not registered`);
      const view: DeviceDetailView = {
        ...deviceView(device, doc, rules),
        alarms: doc ? alarmViewsOf(doc, rules, device, silences, deps.clock.now()) : [],
      };
      return json(200, view);
    }),
  ];
}

/** Every thing's alarm document by thing name: one scan of the alarms table (one item per thing). */
export async function alarmDocs(deps: OperatorApiDependencies): Promise<Map<string, ThingAlarms>> {
  const docs = new Map<string, ThingAlarms>();
  for await (const doc of deps.alarms.scan()) docs.set(doc.thingName, doc);
  return docs;
}
