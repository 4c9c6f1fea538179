import { OPERATOR_ROUTES, type OperatorRoute } from "../../../shared/contracts/operatorApi.ts";

export type RouteMatch =
  | {
      readonly kind: "route";
      readonly route: OperatorRoute;
      /** Decoded, as API Gateway fills `pathParameters`. */
      readonly pathParameters: Readonly<Record<string, string>>;
    }
  /** The path is a route's, but not with this method. */
  | { readonly kind: "method_not_allowed"; readonly allowed: readonly string[] }
  | { readonly kind: "none" };

interface CompiledRoute {
  readonly route: OperatorRoute;
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const COMPILED: readonly CompiledRoute[] = OPERATOR_ROUTES.map((route) => {
  const [method, template] = route.split(" ") as [string, string];
  const names: string[] = [];
  const source = template
    .split("/")
    .map((segment) => {
      const name = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (name === undefined) return segment;
      names.push(name);
      return "([^/]+)";
    })
    .join("/");
  return { route, method, pattern: new RegExp(`^${source}/?$`), names };
});

/**
 * Which C7 route a request names, as API Gateway decides it: `{name}` is exactly one non-empty
 * path segment, and a segment that does not decode is no match.
 */
export function matchOperatorRoute(method: string, path: string): RouteMatch {
  const allowed: string[] = [];
  for (const compiled of COMPILED) {
    const match = compiled.pattern.exec(path);
    if (!match) continue;
    const pathParameters = decodeSegments(compiled.names, match.slice(1));
    if (!pathParameters) continue;
    if (compiled.method === method) return { kind: "route", route: compiled.route, pathParameters };
    allowed.push(compiled.method);
  }
  return allowed.length > 0 ? { kind: "method_not_allowed", allowed } : { kind: "none" };
}

function decodeSegments(
  names: readonly string[],
  values: readonly (string | undefined)[],
): Record<string, string> | undefined {
  const decoded: Record<string, string> = {};
  for (const [index, name] of names.entries()) {
    try {
      decoded[name] = decodeURIComponent(values[index] ?? "");
    } catch {
      return undefined;
    }
  }
  return decoded;
}
