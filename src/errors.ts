/**
 * Errors a user can cause (bad data, bad arguments). The CLI prints their
 * message on one line with no stack trace; anything else is a bug.
 */
export class Relu6qError extends Error {
  override name = 'Relu6qError';
}

/** A bad value passed to a library function or CLI flag (CLI exit code 2). */
export class UsageError extends Relu6qError {
  override name = 'UsageError';
}

/** A problem with the data or a file (CLI exit code 1). */
export class DataError extends Relu6qError {
  override name = 'DataError';
}
