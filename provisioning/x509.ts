// `@peculiar/x509` (through tsyringe) needs the Reflect metadata API loaded first.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

/** `@peculiar/x509`, loaded after the metadata API it needs; import it from here. */
export { x509 };
