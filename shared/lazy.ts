/**
 * The value `build` makes, made on the first call and kept. For what a Lambda container need not
 * build before an invocation asks for it: a zod schema costs tenths of a millisecond to build, and a
 * contract's dozens of them would otherwise all be built at import, in every cold start.
 */
export function lazy<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}
