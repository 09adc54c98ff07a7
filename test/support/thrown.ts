import { SwitchyardError } from '../../lib/errors';

/**
 * The `SwitchyardError` that `build` throws. Fails the test when it throws nothing or
 * something else, so a case can never pass without the error it is about.
 */
export function thrown(build: () => unknown): SwitchyardError {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SwitchyardError);
  return caught as SwitchyardError;
}
