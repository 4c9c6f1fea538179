import type { Random } from "./random.ts";
import { createRunning } from "./signals.ts";

const MINUTE_MS = 60_000;

/**
 * Parts made, as a machine's controller counts them: every part, and the good ones beside it. The
 * machine runs below its rated speed (normal running a little below it, slow spells well below:
 * speed loss), scraps a share of its parts, and resets both counters at each shift change.
 */
export interface ProductionModel {
  /** The counters' metric names: every part made, and the good parts among them. */
  readonly totalMetric: string;
  readonly goodMetric: string;
  /** Seconds per part at the rated speed: what the device attribute `idealCycleSeconds` states. */
  readonly idealCycleSeconds: number;
  /** The share of the rated speed held in normal running, and its relative spread between machines. */
  readonly speed: number;
  readonly speedSpread: number;
  /** Slow spells (a worn tool, a cautious restart) at `speed` of the rated speed, now and then. */
  readonly slow: { readonly meanEveryMinutes: number; readonly meanMinutes: number; readonly speed: number };
  /** The chance that a part is scrap. */
  readonly scrapShare: number;
  /** Both counters go back to zero every `everyMinutes`, the first change `offsetMinutes` after midnight UTC. */
  readonly shiftChange: { readonly everyMinutes: number; readonly offsetMinutes: number };
}

export interface PartCounts {
  readonly total: number;
  readonly good: number;
}

export interface Production {
  /** The counters at `time` (which never goes back), given whether the machine runs now. */
  at(time: number, running: boolean): PartCounts;
}

export function createProduction(model: ProductionModel, random: Random, startTime: number): Production {
  const normalSpeed = Math.min(1, model.speed * (1 + model.speedSpread * random.between(-1, 1)));
  // The same two-state switch as a machine's running signal: normal spells and slow ones.
  const pace = createRunning(
    { meanRunMinutes: model.slow.meanEveryMinutes, meanStopMinutes: model.slow.meanMinutes },
    random,
    startTime,
  );
  const shiftMs = model.shiftChange.everyMinutes * MINUTE_MS;
  const offsetMs = model.shiftChange.offsetMinutes * MINUTE_MS;
  const lastShiftChange = (time: number) => Math.floor((time - offsetMs) / shiftMs) * shiftMs + offsetMs;
  const partsIn = (ms: number, speed: number) => (ms / 1_000 / model.idealCycleSeconds) * speed;

  // A machine joins mid-shift, with about what it would have made since the shift began.
  let made = Math.floor(
    partsIn(startTime - lastShiftChange(startTime), normalSpeed * random.between(0.7, 0.9)),
  );
  let total = made;
  let good = Math.round(total * (1 - model.scrapShare));
  let lastTime = startTime;
  return {
    at(time, running) {
      const from = lastTime;
      lastTime = Math.max(lastTime, time);
      const normal = pace.at(time);
      if (time <= from) return { total, good };
      const shiftChange = lastShiftChange(time);
      if (shiftChange > from) made = total = good = 0;
      if (running)
        made += partsIn(time - Math.max(from, shiftChange), normal ? normalSpeed : model.slow.speed);
      while (total < Math.floor(made)) {
        total++;
        if (!random.chance(model.scrapShare)) good++;
      }
      return { total, good };
    },
  };
}
