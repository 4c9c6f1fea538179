import type { SignInStorage } from "../../../dashboard/src/auth/hostedSignIn.ts";

/** sessionStorage for tests outside a browser. */
export function memoryStorage(): SignInStorage & { readonly length: number } {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    getItem: (key) => items.get(key) ?? null,
    removeItem: (key) => {
      items.delete(key);
    },
    setItem: (key, value) => {
      items.set(key, value);
    },
  };
}
