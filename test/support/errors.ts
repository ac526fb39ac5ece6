import { ValidationError } from '../../lib/core';

/** The ValidationError `fn` throws; any other error is rethrown, and no error fails the test. */
export function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

/** The message of the error `fn` throws; no error fails the test. */
export function errorMessageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
