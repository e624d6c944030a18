// Which workflow ids an entry point with `controller.queue` sends to its
// queue: those its file declares (`controller.queue.workflows`: for workers
// that announce nothing, model-compose's) and those live mc workers announce
// (announcements.ts). Any other id is answered 404, as without a queue: a
// client naming made-up ids can no longer fill Redis with tasks nobody takes.
// The announcements are read once a second in the background, so asking costs
// no Redis round trip: a flood of made-up ids touches Redis not at all.

import type { RedisClient } from 'bun'
import { messageOf, upstreamFailed } from '../../errors.ts'
import type { Logger } from '../../log.ts'
import { readAnnounced } from '../announcements.ts'
import type { RedisClock } from '../redis-clock.ts'
import { connected } from '../redis-connections.ts'

const READ_EVERY_MS = 1_000
/** How long start() waits for the first read: a queue's Redis that does not answer delays no start for longer. */
const FIRST_READ_MS = 2_000

export interface ServedWorkflowsOptions {
  redis: RedisClient
  key: string
  declared: readonly string[]
  clock: RedisClock
  log: Logger
  /** The queue, for messages. */
  where: string
}

export class ServedWorkflows {
  private readonly declared: ReadonlySet<string>
  private announced = new Set<string>()
  /** Why announcements not kept from an earlier read cannot be known now (undefined once a read succeeded). */
  private unknownBecause: string | undefined = 'its Redis has not answered yet'
  private failing = false
  private reading: Promise<void> | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly options: ServedWorkflowsOptions) {
    this.declared = new Set(options.declared)
  }

  /** Reads the announcements (waiting a little for the first answer), then every second. */
  async start(): Promise<void> {
    this.timer = setInterval(() => void this.read(), READ_EVERY_MS)
    await Promise.race([this.read(), Bun.sleep(FIRST_READ_MS)])
  }

  /** True: runs of `id` go to the queue; false: nobody serves it. 502 when only the announcements could tell and they cannot be read. */
  has(id: string): boolean {
    if (this.declared.has(id) || this.announced.has(id)) return true
    if (this.unknownBecause !== undefined) {
      throw upstreamFailed(`workflow "${id}" is not this file's, and which workflows the workers of ${this.options.where} serve is unknown: ${this.unknownBecause}`)
    }
    return false
  }

  close(): void {
    clearInterval(this.timer)
  }

  private read(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => (this.reading = undefined))
    return this.reading
  }

  private async readOnce(): Promise<void> {
    const { redis, key, clock, log, where } = this.options
    try {
      this.announced = new Set(await readAnnounced(await connected(redis), key, clock))
      this.unknownBecause = undefined
      if (this.failing) log.info(`reading which workflows the workers of ${where} serve again`)
      this.failing = false
    } catch (error) {
      // Said once per failing spell. The announcements read before stay: runs of those fail on their own while Redis is away.
      if (!this.failing) log.warn(`cannot read which workflows the workers of ${where} serve (trying every ${READ_EVERY_MS / 1000} s): ${messageOf(error)}`)
      this.failing = true
      this.unknownBecause = `its Redis failed: ${messageOf(error)}`
    }
  }
}
