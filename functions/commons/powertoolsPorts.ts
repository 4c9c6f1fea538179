import { MetricUnit } from "@aws-lambda-powertools/metrics";
import type { FunctionLog, FunctionReporting, MetricSink } from "./functionPorts.ts";
import { logger, metrics } from "./powertools.ts";

/** The factories' log port on Powertools' structured logger. */
export const powertoolsLog: FunctionLog = {
  debug: (message, extra) => logger.debug(message, extra ?? {}),
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};

/** The factories' metrics port on Powertools' EMF metrics (flushed by the `logMetrics` middleware). */
export const powertoolsMetrics: MetricSink = {
  count: (name, value, dimensions) => {
    if (dimensions === undefined) {
      metrics.addMetric(name, MetricUnit.Count, value);
      return;
    }
    const metric = metrics.singleMetric();
    for (const [dimension, dimensionValue] of Object.entries(dimensions))
      metric.addDimension(dimension, dimensionValue);
    metric.addMetric(name, MetricUnit.Count, value);
  },
  milliseconds: (name, value) => metrics.addMetric(name, MetricUnit.Milliseconds, value),
};

/** What every handler passes its factory. */
export const powertoolsReporting: FunctionReporting = { log: powertoolsLog, metrics: powertoolsMetrics };
