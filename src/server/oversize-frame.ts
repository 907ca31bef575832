// The bots' frame limit, enforced by the gateway on both hubs. uWebSockets.js answers a frame over its own
// maxPayloadLength by cutting the TCP connection with no close frame (the bot sees 1006, not why), and `ws` sends
// 1009 with no reason. So the engines get a ceiling far above maxPayloadBytes (config allows at most 1 MiB) and the
// hub closes an oversize frame itself with 1009 and a reason. Above the ceiling uWS still cuts silently.

export const OVERSIZE_CLOSE_CODE = 1009;

/** The engines' own limit; also what a misbehaving bot can make the gateway buffer before it is closed. */
export const ENGINE_PAYLOAD_CEILING_BYTES = 64 * 1024 * 1024;

/** Close reason (a close frame's reason is at most 123 bytes). */
export function oversizeReason(bytes: number, limitBytes: number): string {
  return `message too big: ${bytes} bytes, limit ${limitBytes}`;
}
