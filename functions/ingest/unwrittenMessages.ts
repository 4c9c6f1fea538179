import type { SeriesStore } from "../../shared/ports/seriesStore.ts";

/**
 * The store, noting which messages (by index in the batch) had samples left unwritten: the use
 * case counts them, a stream batch must name them so Lambda delivers them again.
 */
export function noteUnwrittenMessages(store: SeriesStore, unwritten: Set<number>): SeriesStore {
  return {
    write: async (points, options) => {
      const result = await store.write(points, options);
      for (const { messageIndex } of result.unwritten) unwritten.add(messageIndex);
      return result;
    },
  };
}
