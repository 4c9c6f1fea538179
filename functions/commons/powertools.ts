import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";

/** Created once per container; service name and namespace come from POWERTOOLS_* variables. */
export const logger = new Logger();
export const metrics = new Metrics();
