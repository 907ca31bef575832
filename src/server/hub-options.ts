// Checks both hubs apply before touching an engine: uWebSockets.js aborts the whole process (an uncatchable
// C++ exception) on some bad values, e.g. idleTimeout 1..7.

import type { HubOptions } from './client-hub.ts';
import { ENGINE_PAYLOAD_CEILING_BYTES } from './oversize-frame.ts';

export function validateHubOptions(options: HubOptions): void {
  const problems: string[] = [];
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    problems.push(`port must be an integer 0..65535, got ${options.port}`);
  }
  if (!options.wsPath.startsWith('/') || options.wsPath.includes('?')) {
    problems.push(`wsPath must start with '/' and have no query, got '${options.wsPath}'`);
  }
  if (!isPositiveInteger(options.maxPayloadBytes) || options.maxPayloadBytes >= ENGINE_PAYLOAD_CEILING_BYTES) {
    problems.push(`maxPayloadBytes must be a positive integer below ${ENGINE_PAYLOAD_CEILING_BYTES}, `
      + `got ${options.maxPayloadBytes}`);
  }
  if (!isPositiveInteger(options.maxBackpressureBytes)) {
    problems.push(`maxBackpressureBytes must be a positive integer, got ${options.maxBackpressureBytes}`);
  }
  const idle = options.idleTimeoutSeconds;
  if (!Number.isInteger(idle) || idle < 0 || (idle > 0 && idle < 8)) {
    problems.push(`idleTimeoutSeconds must be 0 (disabled) or an integer ≥ 8, got ${idle}`);
  }
  if (problems.length > 0) throw new RangeError(`invalid hub options: ${problems.join('; ')}`);
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0 && value <= 0xffff_ffff;
}
