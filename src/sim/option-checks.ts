// Validation shared by the simulators' option resolvers; messages name the simulator and the option.

/** `value` if it is > 0; otherwise a RangeError (`kraken simulator option updateIntervalMs must be > 0, got 0`). */
export function requirePositive(simulator: string, name: string, value: number): number {
  if (!(value > 0)) throw new RangeError(`${simulator} option ${name} must be > 0, got ${value}`);
  return value;
}
