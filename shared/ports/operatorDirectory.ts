/** A console user as the directory knows them: the user pool's `sub` and the name actions are recorded under. */
export interface OperatorEntry {
  readonly sub: string;
  /** The e-mail the user signs in with (the user pool's user name attribute). */
  readonly name: string;
}

/**
 * Console users by their user pool `sub`. API Gateway tells the API only the `sub` of a console
 * caller (in the identity pool's authentication methods); the directory turns it into the person.
 */
export interface OperatorDirectory {
  nameOf(sub: string): Promise<string | undefined>;
}

export interface OperatorDirectoryWriter {
  record(entry: OperatorEntry): Promise<void>;
}
