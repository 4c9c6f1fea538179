import { PortUnavailableError } from "./errors.ts";

/** Why `port` cannot be bound, and which flag moves it. */
function portUnavailable(what: string, port: number, flag: string, cause: NodeJS.ErrnoException) {
  const why =
    cause.code === "EADDRINUSE" ? "is already in use" : `cannot be opened (${cause.code ?? cause.message})`;
  return new PortUnavailableError(
    `port ${port} (${what}) ${why}: stop whatever holds it, or choose another port with ${flag} <port> (0 picks a free one)`,
    { port, flag, cause },
  );
}

interface Listenable {
  listen(port: number, host: string, done: () => void): unknown;
  address(): unknown;
  once(event: "error", listener: (error: Error) => void): unknown;
  off(event: "error", listener: (error: Error) => void): unknown;
}

/** Listens on `host:port`; resolves with the port bound. A port that cannot be bound says which flag moves it. */
export async function listenOn(
  server: Listenable,
  options: { readonly host: string; readonly port: number; readonly what: string; readonly flag: string },
): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error) => reject(portUnavailable(options.what, options.port, options.flag, error));
    server.once("error", failed);
    server.listen(options.port, options.host, () => {
      server.off("error", failed);
      resolve();
    });
  });
  return (server.address() as { port: number }).port;
}
