import type { ThingAlarms } from "../domain/alarms/alarmState.ts";

/** One thing of a shard checkpoint: its document as the consumer held it, and the stored version it extends. */
export interface CheckpointedThing {
  readonly doc: ThingAlarms;
  readonly storedVersion: number | undefined;
  /** `lastTelemetryAt` as stored (what the sweep sees), behind the document's own. */
  readonly storedTelemetryAt: number | undefined;
}

export interface ShardCheckpoint {
  /** Changes with every save (an S3 ETag): a consumer compares it to know whether its memory is current. */
  readonly tag: string;
  readonly things: readonly CheckpointedThing[];
}

/** Where the stream consumer keeps each shard's in-memory alarm state between batches and containers. */
export interface ShardCheckpoints {
  /** The tag of the shard's latest checkpoint, or undefined when it has none; cheap (no body). */
  latestTag(shardId: string): Promise<string | undefined>;
  load(shardId: string): Promise<ShardCheckpoint | undefined>;
  /** Saves only if the latest tag is still `expectedTag` (none when undefined); `conflict` otherwise. */
  save(
    shardId: string,
    things: readonly CheckpointedThing[],
    expectedTag: string | undefined,
  ): Promise<{ readonly tag: string } | "conflict">;
}
