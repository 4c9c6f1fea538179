import type * as ec2 from "aws-cdk-lib/aws-ec2";
import type { PlantwatchFunction } from "./PlantwatchFunction.ts";

/** Where a function runs that must reach a store inside a VPC. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
}

/** What a function does with the series: ingest writes, the operator API reads. */
export type SeriesAccess = "write" | "read";

/**
 * The series store as the functions see it, whichever store is configured (TelemetryStore for
 * LiveAnalytics, InfluxSeriesStore for InfluxDB): the placement its clients need, and `bindTo`,
 * which sets a function's series environment variables and grants exactly the access together.
 */
export interface SeriesStoreBinding {
  /** @default - the functions run outside any VPC */
  readonly placement?: FunctionPlacement;
  bindTo(fn: PlantwatchFunction, access: SeriesAccess): void;
}
