// Servers, gateways and clients a test file (or suite) starts, stopped after all its tests, newest first.
import { after } from 'node:test';

/**
 * Registers a node:test `after` hook in the current scope (the file, or the `describe` it is called in) and returns
 * `own(thing, stop)`: hands `thing` back and stops it with `stop` in that hook.
 */
export function stopAfterAll(): <T>(thing: T, stop: (thing: T) => Promise<void>) => T {
  const running: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of running.reverse()) await stop();
  });
  return (thing, stop) => {
    running.push(() => stop(thing));
    return thing;
  };
}
