/**
 * Ack-paced, latest-wins delivery, for training snapshots: the trainer may change state far faster than the
 * renderer can draw it. Instead of queueing every state, the pacer keeps at most `window` values awaiting the
 * client's ack; changes made meanwhile only mark it dirty, and the next ack sends one fresh value built then.
 * So the client never falls behind by more than `window` values, nothing is built that is not sent, and the
 * last change is always delivered once the client keeps acking.
 */
export interface AckPacerOptions<T> {
  /** Build the value to send now. Called only when it will be sent, so it always reflects the latest state. */
  produce(): T;
  /** Send the value, tagged with `id`; the client acknowledges it with that id. */
  send(value: T, id: number): void;
  /** How many sent values may await an ack at once (default 1). */
  window?: number;
}

export class AckPacer<T> {
  private readonly window: number;
  /** Ids sent and not yet acknowledged, oldest first. */
  private readonly unacked: number[] = [];
  private nextId = 1;
  private isDirty = false;

  constructor(private readonly options: AckPacerOptions<T>) {
    const window = options.window ?? 1;
    if (!Number.isInteger(window) || window < 1) {
      throw new RangeError(`AckPacer window must be a positive integer, got ${window}`);
    }
    this.window = window;
  }

  /** The state changed: send a fresh value now if the window allows, else once an ack makes room. */
  changed(): void {
    this.isDirty = true;
    this.flush();
  }

  /**
   * The client has the value `id` (and, acks being cumulative, every earlier one). Returns false for an id that
   * is not awaiting an ack (stale, duplicate, or never sent), which changes nothing.
   */
  ack(id: number): boolean {
    const index = this.unacked.indexOf(id);
    if (index < 0) return false;
    this.unacked.splice(0, index + 1);
    this.flush();
    return true;
  }

  /** Forget what is awaiting acks (e.g. the client reconnected). A pending change stays pending and is sent now. */
  reset(): void {
    this.unacked.length = 0;
    this.flush();
  }

  /** How many sent values await an ack. */
  get inFlight(): number {
    return this.unacked.length;
  }

  /** True when a change has not been sent yet. */
  get dirty(): boolean {
    return this.isDirty;
  }

  private flush(): void {
    if (!this.isDirty || this.unacked.length >= this.window) return;
    const value = this.options.produce();
    const id = this.nextId++;
    this.isDirty = false;
    this.unacked.push(id);
    this.options.send(value, id);
  }
}
