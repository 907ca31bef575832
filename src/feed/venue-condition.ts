// Whether a venue is degraded (its engine is not trading normally: Kraken `maintenance` / `cancel_only`), kept by
// one connection slot across its reconnects: a new connection during maintenance is still degraded. Its drivers
// report what their sessions say; the state changes only here.

export class VenueCondition {
  private degradedNow = false;

  get degraded(): boolean {
    return this.degradedNow;
  }

  /** The session's verdict (undefined: the status says nothing about trading). True when the state changed. */
  report(degraded: boolean | undefined): boolean {
    if (degraded === undefined || degraded === this.degradedNow) return false;
    this.degradedNow = degraded;
    return true;
  }
}
