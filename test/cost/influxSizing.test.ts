import { describe, expect, it } from "vitest";
import { influxStorageGib, sizeInfluxInstance } from "../../cost/influxSizing.ts";

/** Lines a second and series of `devices` reporting `metrics` float fields every `intervalS`, one line per message. */
const fleet = (devices: number, intervalS: number, metrics = 8) => ({
  linesPerSecond: devices / intervalS,
  series: devices * metrics,
});

describe("InfluxDB instance sizing", () => {
  it("takes the smallest class for a small fleet", () => {
    // 100 devices once a minute: 1.7 lines/s, 800 series.
    expect(sizeInfluxInstance(fleet(100, 60))).toMatchObject({
      instanceClass: "db.influx.medium",
      fits: true,
    });
  });

  it("takes db.influx.large for the reference fleet, whose series outgrow the medium", () => {
    // 10,000 devices every 10 s: 1,000 lines/s (a medium takes 5,000) but 80,000 series (a medium 10,000).
    expect(sizeInfluxInstance(fleet(10_000, 10))).toMatchObject({
      instanceClass: "db.influx.large",
      chosen: "sized",
      fits: true,
      extrapolated: false,
    });
  });

  it("sizes a large fleet by lines a second", () => {
    // 100,000 devices every second: 100,000 lines/s (xlarge's limit), 800,000 series (over xlarge's 500,000).
    expect(sizeInfluxInstance(fleet(100_000, 1)).instanceClass).toBe("db.influx.2xlarge");
    // 200,000 lines/s with few series: only the 4xlarge is sized for it.
    expect(sizeInfluxInstance({ linesPerSecond: 200_000, series: 1_000 }).instanceClass).toBe(
      "db.influx.4xlarge",
    );
  });

  it("extrapolates past the 4xlarge by vCPUs, and says so", () => {
    // 400,000 lines/s: beyond the 4xlarge's 250,000; the 8xlarge (twice the vCPUs) is taken as 500,000.
    expect(sizeInfluxInstance({ linesPerSecond: 400_000, series: 1_000 })).toMatchObject({
      instanceClass: "db.influx.8xlarge",
      fits: true,
      extrapolated: true,
    });
  });

  it("says when no single instance is sized for the load", () => {
    // 2 million devices × 8 metrics = 16 million series: InfluxDB 2 degrades above about 10 million.
    expect(sizeInfluxInstance(fleet(2_000_000, 60))).toMatchObject({
      instanceClass: "db.influx.24xlarge",
      fits: false,
    });
  });

  it("keeps a forced class and says whether it fits", () => {
    expect(sizeInfluxInstance(fleet(10_000, 10), "db.influx.medium")).toMatchObject({
      instanceClass: "db.influx.medium",
      chosen: "forced",
      fits: false,
    });
    expect(sizeInfluxInstance(fleet(100, 60), "db.influx.xlarge")).toMatchObject({
      chosen: "forced",
      fits: true,
    });
  });
});

describe("InfluxDB storage", () => {
  it("allocates the retention's bytes in whole GiB, at least the storage type's minimum", () => {
    const gib = 1024 ** 3;
    expect(influxStorageGib(gib / 10, 365, "InfluxIOIncludedT1")).toBe(37); // 36.5 GiB, rounded up
    expect(influxStorageGib(1_000, 365, "InfluxIOIncludedT1")).toBe(20);
    expect(influxStorageGib(1_000, 365, "InfluxIOIncludedT2")).toBe(400);
    expect(influxStorageGib(gib * 2, 365, "InfluxIOIncludedT3")).toBe(730);
  });
});
