// Keeps a Redis store within its bounds: sweeps retention (retention-script.ts)
// after every finish, when creates or appends take the store over its bound,
// and every SWEEP_INTERVAL_MS — one sweep at a time per process, a bounded
// script call after another until it is done.

import { DEFAULT_MAX_TOMBSTONES, droppedMark, RUNNING_FLOOR_BYTES } from '../retention.ts'
import type { RedisConnection } from './redis-connection.ts'
import { SweepTrigger } from '../sweep-trigger.ts'
import type { Retention } from '../task-store.ts'

/** Tasks one script call handles at most. */
const SWEEP_TASKS = 256

export class RedisUpkeep {
  private readonly trigger: SweepTrigger
  /** The sweep under way: a sweep asked for meanwhile joins it. */
  private sweeping: Promise<void> | undefined

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly retention: Retention,
  ) {
    this.trigger = new SweepTrigger(retention.maxBytes)
  }

  /** After a write that added bytes, with what the store holds now: sweeps in the background when over the bound. */
  storedBytes(total: number): void {
    if (this.trigger.wants(total)) this.sweepAll().catch(() => {})
  }

  sweepAll(): Promise<void> {
    this.sweeping ??= this.sweepUntilDone().finally(() => (this.sweeping = undefined))
    return this.sweeping
  }

  private async sweepUntilDone(): Promise<void> {
    const { maxAgeMs, maxBytes, maxTombstones = DEFAULT_MAX_TOMBSTONES } = this.retention
    const args = [maxAgeMs, maxBytes, droppedMark(maxBytes), SWEEP_TASKS, maxTombstones, RUNNING_FLOOR_BYTES]
    for (;;) {
      const [more, total]: [number, number] = await this.redis.script('sweep', [this.prefix, Date.now(), ...args])
      if (more === 1) continue
      this.trigger.swept(total)
      return
    }
  }
}
