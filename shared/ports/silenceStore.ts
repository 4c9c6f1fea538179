import type { Silence } from "../domain/silences/silence.ts";

export interface SilenceStore {
  /** Every stored silence (expired ones too, until the store's TTL removes them). */
  list(): Promise<readonly Silence[]>;
  get(id: string): Promise<Silence | undefined>;
  /** Creates or replaces the silence with this id. */
  put(silence: Silence): Promise<void>;
  /** False when there was none. */
  delete(id: string): Promise<boolean>;
}
