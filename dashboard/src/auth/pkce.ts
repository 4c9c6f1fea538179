/** Proof Key for Code Exchange (RFC 7636): the browser proves it started the sign-in it finishes. */
export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

/** 32 random bytes: a 43-character verifier, the shortest RFC 7636 allows and plenty of entropy. */
const VERIFIER_BYTES = 32;

export async function createPkce(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): Promise<Pkce> {
  const verifier = base64Url(random(new Uint8Array(VERIFIER_BYTES)));
  return { verifier, challenge: await challengeOf(verifier) };
}

/** The S256 method: base64url(SHA-256(verifier)), without padding. */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** A random value for `state`, which ties the answer to this browser's request. */
export function randomState(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): string {
  return base64Url(random(new Uint8Array(16)));
}

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}
