import type { LiveEvent, LiveEventType } from "../../shared/contracts/liveEvents.ts";

const TYPES: readonly LiveEventType[] = ["alarm", "telemetry", "connectivity", "quarantine"];

export type ConnectionStatus = "connecting" | "open" | "reconnecting";

/**
 * Live events over Server-Sent Events. EventSource reconnects by itself; `onStatus("open")` after a
 * reconnect is the cue to reload, since events sent meanwhile are gone. Returns the disconnect function.
 */
export function connectLiveEvents(
  url: string,
  onEvent: (event: LiveEvent) => void,
  onStatus: (status: ConnectionStatus) => void,
): () => void {
  const source = new EventSource(url);
  onStatus("connecting");
  source.addEventListener("open", () => onStatus("open"));
  source.addEventListener("error", () => onStatus("reconnecting"));
  for (const type of TYPES) {
    source.addEventListener(type, (message) => {
      try {
        onEvent(JSON.parse((message as MessageEvent).data as string) as LiveEvent);
      } catch (error) {
        console.error(`unreadable ${type} event`, error);
      }
    });
  }
  return () => source.close();
}
