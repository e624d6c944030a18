// One cap on the bytes of request bodies held at once, all requests together:
// each body may be up to MC_MAX_BODY_BYTES, but sixty of them read at once,
// then parsed, took gigabytes. A body takes its bytes from the budget as they
// arrive (a client that sends slowly holds only what it sent) and gives them
// back once it is parsed; a body that finds the budget spent is answered 503
// with Retry-After, and its connection's bytes are not read further.

import { busy } from '../errors.ts'
import { describeBytes } from '../settings.ts'

/** The part of the budget one body holds. */
export interface BodyShare {
  /** Takes `bytes` more, or throws 503 when the budget cannot spare them. */
  take(bytes: number): void
  /** Gives back all it took (once it is parsed, or refused). */
  release(): void
}

export class BodyBudget {
  private held = 0

  constructor(private readonly maxBytes: number) {}

  share(): BodyShare {
    let taken = 0
    return {
      take: (bytes) => {
        if (this.held + bytes > this.maxBytes) {
          throw busy(`mc is busy: request bodies being read take ${describeBytes(this.maxBytes)}, its limit (MC_MAX_BODIES_IN_FLIGHT_BYTES); try again later`)
        }
        this.held += bytes
        taken += bytes
      },
      release: () => {
        this.held -= taken
        taken = 0
      },
    }
  }
}
