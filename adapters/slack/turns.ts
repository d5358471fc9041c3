/**
 * The work that follows a Slack ack, one piece per turn of the event loop.
 *
 * A listener acks first and then does the command's work (SQLite, composing the reply) on the
 * same event loop. When requests arrive together, running each one's work straight after its ack
 * makes the next request wait for it before it is even acked; under a burst the last ack goes out
 * after everyone's work, and Slack retries a request it has not seen acked within 3 seconds.
 * Queued here, each piece of work waits for a turn of its own (setImmediate), so the loop reads
 * and acks the requests that arrived meanwhile between one piece and the next. Answers still
 * follow in arrival order.
 *
 * The queue is bounded: once `capacity` acked requests are waiting for their turn, the next
 * request's ack waits until one of them has started. Under more load than the service can
 * handle, acks then slow down with the work (a client that waits for its ack sends less) instead
 * of the backlog, and memory, growing without end.
 */
export type ScheduleTurn = (run: () => void) => void;

/**
 * About half a second of typical command work (1.5–2 ms each): a burst of a few hundred commands
 * is acked at once, and under overload an ack waits about that long — far inside Slack's 3 s.
 */
export const DEFAULT_TURN_CAPACITY = 256;

export class TurnQueue {
  /** Acked requests waiting for their turn. */
  private readonly waiting: (() => void)[] = [];
  /** Requests whose ack waits for room, first come first served. */
  private readonly admissions: (() => void)[] = [];
  /** Admitted requests that are being acked (they take room too). */
  private acking = 0;
  private armed = false;

  constructor(
    private readonly schedule: ScheduleTurn = (run) => void setImmediate(run),
    private readonly capacity = DEFAULT_TURN_CAPACITY,
  ) {}

  /**
   * Acks the request — at once, unless the queue is full — and resolves on a later turn of the
   * event loop, after every request acked before it has had its turn.
   */
  async ackThenTurn(ack: () => Promise<void>): Promise<void> {
    if (this.admissions.length === 0 && this.load < this.capacity) this.acking += 1;
    else await new Promise<void>((admit) => this.admissions.push(admit)); // room is counted by `admit`
    try {
      await ack();
    } catch (err) {
      this.acking -= 1;
      this.admit();
      throw err;
    }
    this.acking -= 1; // its room passes to its place in `waiting`
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.arm();
    });
  }

  private get load(): number {
    return this.acking + this.waiting.length;
  }

  private arm(): void {
    if (this.armed || this.waiting.length === 0) return;
    this.armed = true;
    this.schedule(() => {
      this.armed = false;
      // Resolving lets exactly one waiter continue (in this turn's microtasks); the next one is
      // armed for a later turn, after the loop has polled for I/O again.
      this.waiting.shift()?.();
      this.admit();
      this.arm();
    });
  }

  private admit(): void {
    while (this.admissions.length > 0 && this.load < this.capacity) {
      this.acking += 1;
      this.admissions.shift()!();
    }
  }
}
