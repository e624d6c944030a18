// mc's addition to the protocol: while an mc worker runs a task it keeps
// `{result key}:heartbeat` (its worker id, a short TTL) alive. A waiting entry
// point that has seen the key and then finds it gone knows the worker died
// (SIGKILL, a lost machine) and fails the run, instead of waiting forever —
// model-compose's only bound is the queue's `timeout`, off by default. A run
// taken by a model-compose worker never shows the key: only `timeout` applies.

import type { RedisClient } from 'bun'

export const HEARTBEAT_EVERY_MS = 2_000
export const HEARTBEAT_TTL_SECONDS = 10
/** How often a waiting entry point looks (also its XREAD BLOCK). */
export const LOOK_EVERY_MS = 2_000

/** The worker side: one timer refreshing the keys of every run in hand. */
export class Heartbeats {
  private readonly keys = new Set<string>()
  private readonly timer: ReturnType<typeof setInterval>

  constructor(
    private readonly redis: RedisClient,
    private readonly workerId: string,
  ) {
    this.timer = setInterval(() => {
      for (const key of this.keys) void this.beat(key)
    }, HEARTBEAT_EVERY_MS)
  }

  async add(key: string): Promise<void> {
    this.keys.add(key)
    await this.beat(key)
  }

  /** Stops refreshing; the key expires on its own (the result is written before, so no reader mistakes the end for a death). */
  remove(key: string): void {
    this.keys.delete(key)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private beat(key: string): Promise<unknown> {
    return this.redis.set(key, this.workerId, 'EX', HEARTBEAT_TTL_SECONDS).catch(() => {})
  }
}

/** The entry point side: whether the worker that took a run is still there. */
export class WorkerWatch {
  private workerId?: string

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
  ) {}

  /** Looks once: "lost" when a worker was seen and its key is gone now. */
  async look(): Promise<'alive' | 'unknown' | 'lost'> {
    const id = await this.redis.get(this.key)
    if (id !== null) {
      this.workerId = id
      return 'alive'
    }
    return this.workerId === undefined ? 'unknown' : 'lost'
  }

  lostMessage(): string {
    return `queue worker ${this.workerId} stopped while running this task (no heartbeat for ${HEARTBEAT_TTL_SECONDS} s): the run is lost`
  }
}
