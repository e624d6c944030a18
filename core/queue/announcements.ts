// mc's addition to the protocol: which workflows live mc workers serve. An
// entry point dispatches a workflow its file lacks only when a live worker
// announced it (or the file declares it: served-workflows.ts), so a client
// naming just any id cannot make it push tasks nobody will ever take. With
// its heartbeat's rhythm, each worker adds its workflow ids to the sorted set
// `{name}:mc:workflows`, scored with when the announcement lapses (Redis's
// clock + 10 s), drops the lapsed ones, and sets the key's own TTL to 10 s: a
// worker that stops or dies leaves its announcements to lapse (a stopping one
// does not remove them: another worker may serve the same workflow, and tasks
// pushed meanwhile wait for the next worker). model-compose workers announce
// nothing: an entry point's file declares theirs.

import type { RedisClient } from 'bun'
import { messageOf } from '../errors.ts'
import type { Logger } from '../log.ts'
import { HEARTBEAT_EVERY_MS, HEARTBEAT_TTL_SECONDS } from './heartbeat.ts'
import { RedisClock } from './redis-clock.ts'

const ANNOUNCEMENT_TTL_MS = HEARTBEAT_TTL_SECONDS * 1000

/** The worker side: announces its workflows now and every HEARTBEAT_EVERY_MS until stopped. */
export class Announcer {
  /** Read at every announcement: the worker judges `expires_at` by it. */
  readonly clock = new RedisClock()
  private timer: ReturnType<typeof setInterval> | undefined
  private failing = false

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    private readonly workflowIds: string[],
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    await this.announce()
    this.timer = setInterval(() => void this.announce(), HEARTBEAT_EVERY_MS)
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async announce(): Promise<void> {
    try {
      const now = await this.clock.read(this.redis)
      const until = String(now + ANNOUNCEMENT_TTL_MS)
      await Promise.all([
        this.redis.send('ZADD', [this.key, ...this.workflowIds.flatMap((id) => [until, id])]),
        this.redis.send('ZREMRANGEBYSCORE', [this.key, '-inf', String(now)]),
        this.redis.send('PEXPIRE', [this.key, String(ANNOUNCEMENT_TTL_MS)]),
      ])
      if (this.failing) this.log.info(`announcing this worker's workflows on ${this.key} again`)
      this.failing = false
    } catch (error) {
      // Said once per failing spell: entry points stop sending these workflows once the announcements lapse.
      if (!this.failing) this.log.warn(`could not announce this worker's workflows on ${this.key} (trying every ${HEARTBEAT_EVERY_MS / 1000} s): ${messageOf(error)}`)
      this.failing = true
    }
  }
}

/** The entry point side: the workflow ids of live announcements, by Redis's clock (read in the same round trip). */
export async function readAnnounced(redis: RedisClient, key: string, clock: RedisClock): Promise<string[]> {
  const [, ids] = await Promise.all([clock.read(redis), redis.send('ZRANGEBYSCORE', [key, `(${clock.now()}`, '+inf'])])
  return ids as string[]
}
