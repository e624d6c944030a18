// One cap on bytes held at once by many holders together: request bodies
// being read (MC_MAX_BODIES_IN_FLIGHT_BYTES), tasks an entry point has on the
// queue (MC_QUEUE_IN_FLIGHT_BYTES). A holder takes bytes as it comes to hold
// them (a client that sends slowly holds only what it sent) and gives them all
// back at once; a take that would pass the cap is refused with the error its
// owner words (a 503 "busy"), and takes nothing.

export interface BytesHold {
  /** Adds to the hold, or throws the budget's refusal (taking nothing) when that would pass the cap. */
  take(bytes: number): void
  /** Gives back all it holds (again: nothing). */
  release(): void
}

export class ByteBudget {
  private used = 0

  constructor(
    private readonly max: number,
    /** The error a refused take throws: `used` bytes are held, `asked` more were asked. */
    private readonly refusal: (used: number, asked: number, max: number) => Error,
  ) {}

  hold(): BytesHold {
    let held = 0
    return {
      take: (bytes) => {
        if (this.used + bytes > this.max) throw this.refusal(this.used, bytes, this.max)
        this.used += bytes
        held += bytes
      },
      release: () => {
        this.used -= held
        held = 0
      },
    }
  }
}
