// Incoming WebSocket text for the simulators and replay servers.
import type { RawData } from 'ws';

/** A text message's payload, whatever shape `ws` delivered it in. */
export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}
