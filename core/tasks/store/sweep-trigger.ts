// When appends (and creates) start a sweep: the store holds more than its
// bound, and has grown by a floor's worth past where the last sweep had to
// stop — nothing left to drop, running recordings all at their floor — so that
// a store stuck above its bound sweeps again as recordings grow, not at every turn.

import { RUNNING_FLOOR_BYTES } from './retention.ts'

export class SweepTrigger {
  private stuckAt = 0

  constructor(private readonly maxBytes: number) {}

  /** Whether a store holding `total` bytes should sweep. */
  wants(total: number): boolean {
    return total > this.maxBytes && total > this.stuckAt + RUNNING_FLOOR_BYTES
  }

  /** After a sweep that left nothing to do, with what the store holds. */
  swept(total: number): void {
    this.stuckAt = total > this.maxBytes ? total : 0
  }
}
