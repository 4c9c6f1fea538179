/** How long each part runs: the full run for the README, `--quick` for the smoke test (every part, briefly). */
export interface BenchProfile {
  readonly quick: boolean;
  /** tinybench time budget per task, ms. */
  readonly cpuTimeMs: number;
  readonly warmupMs: number;
  /** Messages per ingest workload. */
  readonly ingestMessages: number;
  /** Fresh Node processes per module-init measurement (the median is reported). */
  readonly initSpawns: number;
  /** Messages in the end-to-end burst, and MQTT clients (things) sending them. */
  readonly burstMessages: number;
  readonly burstClients: number;
  /** Seconds of paced publishing for each latency measurement, at each of `latencyRates` messages/s. */
  readonly latencySeconds: number;
  readonly latencyRates: readonly number[];
}

export const FULL_PROFILE: BenchProfile = {
  quick: false,
  cpuTimeMs: 2_000,
  warmupMs: 300,
  ingestMessages: 1_000,
  initSpawns: 15,
  burstMessages: 10_000,
  burstClients: 16,
  latencySeconds: 10,
  latencyRates: [100, 1_000],
};

export const QUICK_PROFILE: BenchProfile = {
  quick: true,
  cpuTimeMs: 20,
  warmupMs: 0,
  ingestMessages: 100,
  initSpawns: 1,
  burstMessages: 200,
  burstClients: 2,
  latencySeconds: 0.2,
  latencyRates: [100],
};
