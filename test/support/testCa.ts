/**
 * The tests' certificate authority is the local stack's (`local/localCa.ts`), under the names
 * the tests have always used.
 */
export {
  type CaOptions as TestCaOptions,
  createCa as createTestCa,
  type LocalCa as TestCa,
  type Pem,
  writePem,
} from "../../local/localCa.ts";
