import type { SeriesStore } from "../../ports/seriesStore.ts";

/**
 * The store, counting per message (by index in the batch) the samples it left unwritten: the use
 * case's report only counts them in total, while a stream batch must name the messages so Lambda
 * delivers them again, and the local stack reports them per message.
 */
export function countUnwrittenByMessage(store: SeriesStore, unwritten: Map<number, number>): SeriesStore {
  return {
    write: async (points, options) => {
      const result = await store.write(points, options);
      for (const { messageIndex } of result.unwritten) {
        unwritten.set(messageIndex, (unwritten.get(messageIndex) ?? 0) + 1);
      }
      return result;
    },
  };
}
