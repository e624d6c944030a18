// The runs this process holds in memory while they wait for a human's answer
// (task-interrupts.ts), at most MC_MAX_WAITING_INTERRUPTS: a client could
// start runs that interrupt and never answer them. Past the bound the oldest
// one whose journal is in the store is parked — dropped from memory, its task
// left interrupted, so that a resume replays it from the journal as after a
// restart. A run whose journal was beyond MC_TASK_STREAM_BYTES lives only
// here and cannot be parked: when no run can be, the newcomer is refused (its
// task fails) rather than an older one dropped — whoever waits on that one may
// have been told to answer it, and it could never be resumed.

import { busy } from '../errors.ts'

export interface HeldRun {
  /** Its journal is in the store (and no resume is under way): it may be parked. */
  readonly parkable: boolean
  /** Drops the run from memory; its task stays interrupted in the store. */
  park(): void
}

export class WaitingRuns {
  /** In the order they started waiting: the oldest first. */
  private readonly held = new Set<HeldRun>()

  constructor(private readonly max: number) {}

  get size(): number {
    return this.held.size
  }

  /**
   * Holds `run` while it waits; past the bound the oldest parkable run is
   * parked, `run` itself when it is the only one. Throws 503 (naming the
   * setting) when none can be. The returned function lets go of it.
   */
  hold(run: HeldRun): () => void {
    if (this.held.size >= this.max) {
      const oldest = [...this.held, run].find((held) => held.parkable)
      if (!oldest) throw busy(`the runs waiting for an answer in memory are at their limit (MC_MAX_WAITING_INTERRUPTS: ${this.max}), and none of them, this one included, can be parked: what they produced was beyond MC_TASK_STREAM_BYTES, so it is not in the task store; raise either setting`)
      if (oldest === run) {
        run.park()
        return () => {}
      }
      this.held.delete(oldest)
      oldest.park()
    }
    this.held.add(run)
    return () => this.held.delete(run)
  }
}
