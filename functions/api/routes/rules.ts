import { NO_RULES_VERSION } from "../../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import type { RulePutResult, RulesView } from "../../../shared/contracts/operatorApi.ts";
import type { OperatorApiDependencies } from "../dependencies.ts";
import { type ApiRoute, json, noContent, route } from "../http.ts";
import { OperatorApiError, RequestProblems } from "../protocol/apiError.ts";
import { jsonBody, ruleBody } from "../protocol/requestBodies.ts";
import { readQuery, ruleId } from "../protocol/requestParameters.ts";

/** The same repository `plantwatch rules apply|list|delete` writes: one rule at a time here. */
export function ruleRoutes(deps: OperatorApiDependencies): ApiRoute[] {
  return [
    route("GET /rules", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      problems.throwIfAny();
      const [version, stored] = await Promise.all([deps.rules.version(), deps.rules.list()]);
      const items = stored.flatMap((rule) => {
        if (rule.valid) return [rule.document];
        deps.log?.warn("stored rule is invalid; left out", { ruleId: rule.id });
        return [];
      });
      const view: RulesView = { version: version ?? NO_RULES_VERSION, items };
      return json(200, view);
    }),

    route("PUT /rules/{id}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const id = ruleId(event.pathParameters?.id, "path.id", problems);
      problems.throwIfAny();
      const document = ruleBody(jsonBody(event, { required: true }), id as string);
      const existed = (await deps.rules.list()).some((rule) => rule.id === id);
      await deps.rules.apply({ put: [document], delete: [] });
      const result: RulePutResult = { rule: document, created: !existed };
      return json(existed ? 200 : 201, result);
    }),

    route("DELETE /rules/{id}", async (event) => {
      const problems = new RequestProblems();
      readQuery(event.queryStringParameters, [], problems);
      const id = ruleId(event.pathParameters?.id, "path.id", problems);
      problems.throwIfAny();
      if (!(await deps.rules.list()).some((rule) => rule.id === id)) {
        throw new OperatorApiError("not_found", `rule ${id} does not exist`);
      }
      await deps.rules.apply({ put: [], delete: [id as string] });
      return noContent();
    }),
  ];
}
