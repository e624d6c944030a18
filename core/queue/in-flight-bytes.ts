// The bytes an entry point has put on the queue (task messages and binary
// inputs) for dispatches still waiting for their worker's answer. Past
// MC_QUEUE_IN_FLIGHT_BYTES a dispatch is refused at once (503, try later)
// instead of growing Redis, and this process holding each message for its
// withdrawal, without bound while workers are slow or gone.

import { busy } from '../errors.ts'
import { describeBytes } from '../settings.ts'

export interface BytesHold {
  /** Adds to the hold, or throws 503 (taking nothing) when that would pass the limit. */
  take(bytes: number): void
  /** Gives back all it holds (again: nothing). */
  release(): void
}

export class InFlightBytes {
  private used = 0

  constructor(private readonly max: number) {}

  hold(): BytesHold {
    let held = 0
    return {
      take: (bytes) => {
        if (this.used + bytes > this.max) {
          throw busy(`mc is busy: ${describeBytes(this.used)} of tasks are on the queue waiting for workers, and ${describeBytes(bytes)} more would pass its limit (MC_QUEUE_IN_FLIGHT_BYTES: ${describeBytes(this.max)}); try again later`)
        }
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
