// What a socket (and the driver running its session) tells the connection slot that owns it, through one sink:
// the slot decides what each means (backoff reset, slot state, rotation). Ends are not signals: they carry a cause
// and an answer (SocketSession's `ended`).
export type ConnectionSignal =
  /** The WebSocket handshake finished. */
  | 'opened'
  /** First data frame of the session: the reconnect backoff starts over. */
  | 'healthy'
  /** Every book on the connection is live. */
  | 'live'
  /** The venue announced it will close this connection soon: rotate now. */
  | 'server_shutdown'
  /** Make-before-break: this successor now feeds every book; the predecessor can close. */
  | 'handover_complete';

export type ConnectionSignalSink = (signal: ConnectionSignal) => void;
