/**
 * How an adapter gets its SDK v3 client: a ready one (a test's stub, or one a composition shares)
 * or the configuration to build its own; the type refuses both at once.
 */
export type ClientOrConfig<Client, Config> =
  | { readonly client: Client; readonly clientConfig?: never }
  | { readonly client?: never; readonly clientConfig?: Config };
