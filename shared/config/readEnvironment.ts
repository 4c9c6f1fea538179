import type * as z from "zod/mini";

/** Validates a function's environment at start-up, naming every problem. */
export function readEnvironment<T>(
  schema: z.ZodMiniType<T>,
  functionName: string,
  env: NodeJS.ProcessEnv,
): T {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`${functionName} function environment is invalid: ${problems.join("; ")}`);
  }
  return parsed.data;
}
