import type { SilenceView } from "../../../shared/contracts/operatorApi.ts";
import type { Silence } from "../../../shared/domain/silences/silence.ts";
import { createActorResolver } from "../actor.ts";
import type { OperatorApiDependencies } from "../dependencies.ts";
import { type ApiRoute, json, noContent, route } from "../http.ts";
import { pageOf, pageRequest } from "../paging.ts";
import { OperatorApiError, RequestProblems } from "../protocol/apiError.ts";
import { jsonBody, silenceBody } from "../protocol/requestBodies.ts";
import { readQuery, silenceId } from "../protocol/requestParameters.ts";
import { silenceView } from "../protocol/views.ts";

export function silenceRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  const identify = createActorResolver(deps.operators, deps.log);
  return [
    route("GET /silences", async (event) => {
      const problems = new RequestProblems();
      const query = readQuery(event.queryStringParameters, ["limit", "next"], problems);
      const page = pageRequest(query, "silences", problems);
      problems.throwIfAny();
      const now = deps.clock.now();
      const views: SilenceView[] = (await deps.silences.list())
        .map((silence) => silenceView(silence, now))
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return json(
        200,
        pageOf(views, (view) => view.id, page, "silences"),
      );
    }),

    route("PUT /silences/{id}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const id = silenceId(event.pathParameters?.id, "path.id", problems);
      const body = jsonBody(event, { required: true });
      const now = deps.clock.now();
      const request = silenceBody(body, now, problems);
      problems.throwIfAny();
      if (id === undefined || request === undefined) throw new Error("a validated parameter is missing");

      const existed = (await deps.silences.get(id)) !== undefined;
      const silence: Silence = { id, ...request, createdBy: await identify(event), createdAt: now };
      await deps.silences.put(silence);
      return json(existed ? 200 : 201, silenceView(silence, now));
    }),

    route("DELETE /silences/{id}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const id = silenceId(event.pathParameters?.id, "path.id", problems);
      problems.throwIfAny();
      if (!(await deps.silences.delete(id as string))) {
        throw new OperatorApiError("not_found", `silence ${id} does not exist`);
      }
      return noContent();
    }),
  ];
}
