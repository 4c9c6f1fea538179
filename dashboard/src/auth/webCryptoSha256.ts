import type { Checksum, SourceData } from "@smithy/types";

/**
 * SHA-256 and HMAC-SHA-256 on the browser's Web Crypto, in the shape SignatureV4 asks for
 * (`new Sha256(secret?)`). Node's crypto module, which the CLI's signer uses, is not in a browser.
 */
export class WebCryptoSha256 implements Checksum {
  readonly #secret: Uint8Array<ArrayBuffer> | undefined;
  #chunks: Uint8Array[] = [];

  constructor(secret?: SourceData) {
    // A copy on an ArrayBuffer of its own, as Web Crypto takes no shared memory.
    this.#secret = secret === undefined ? undefined : Uint8Array.from(bytesOf(secret));
  }

  update(data: Uint8Array): void {
    this.#chunks.push(data);
  }

  async digest(): Promise<Uint8Array> {
    const data = concat(this.#chunks);
    if (this.#secret === undefined) return new Uint8Array(await crypto.subtle.digest("SHA-256", data));
    const key = await crypto.subtle.importKey("raw", this.#secret, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
  }

  reset(): void {
    this.#chunks = [];
  }
}

function bytesOf(data: SourceData): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return all;
}
