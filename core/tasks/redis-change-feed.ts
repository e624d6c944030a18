// What other mc processes sharing the Redis tell this one: cancel requests
// (channel P:cancel) and changes of the tasks someone here waits on (channel
// P:task:<id>, followed while waited on). Pub/sub rather than XREAD BLOCK: one
// connection serves every waiter (a blocked XREAD holds a connection each),
// and it also carries finishes and status changes, not only events.

import type { ChangeWaiters } from './change-waiters.ts'
import { RedisConnection } from './redis-connection.ts'

/** A task's channel is left once nobody here has waited on it for this long. */
const UNFOLLOW_AFTER_MS = 5_000
/** After losing its connection, the feed connects again this often until it can. */
const RECONNECT_EVERY_MS = 1_000

export class RedisChangeFeed {
  private readonly followed = new Map<string, { subscribed: Promise<unknown>; lastWait: number }>()
  private readonly timer: Timer
  // A subscribed connection runs nothing but (un)subscribe: this one is the feed's own.
  private connection!: RedisConnection
  private closed = false

  private constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly waiters: ChangeWaiters,
    private readonly onCancel: (id: string) => void,
  ) {
    this.timer = setInterval(() => this.unfollowIdle(), UNFOLLOW_AFTER_MS)
    this.timer.unref()
  }

  static async open(url: string, prefix: string, waiters: ChangeWaiters, onCancel: (id: string) => void): Promise<RedisChangeFeed> {
    const feed = new RedisChangeFeed(url, prefix, waiters, onCancel)
    try {
      await feed.connect()
    } catch (error) {
      clearInterval(feed.timer)
      throw error
    }
    return feed
  }

  private async connect(): Promise<void> {
    const connection = await RedisConnection.open(this.url)
    try {
      await connection.client.subscribe(`${this.prefix}:cancel`, (id) => this.onCancel(id))
    } catch (error) {
      connection.close()
      throw connection.failure(error)
    }
    connection.client.onclose = () => this.lost(connection)
    this.connection = connection
    if (this.closed) connection.close()
  }

  /** Changes published while the feed was away are missed: every waiter reads again, then follows anew. */
  private lost(connection: RedisConnection): void {
    if (this.closed || connection !== this.connection) return
    this.followed.clear()
    this.waiters.wakeAll()
    const again = () => {
      if (!this.closed) setTimeout(() => this.connect().catch(again), RECONNECT_EVERY_MS).unref()
    }
    again()
  }

  /** Resolves once changes of the task reach this process's waiters. */
  async follow(id: string): Promise<void> {
    let following = this.followed.get(id)
    if (!following) {
      const subscribed = this.connection.client.subscribe(`${this.prefix}:task:${id}`, () => this.waiters.wake(id))
      following = { subscribed, lastWait: 0 }
      this.followed.set(id, following)
      // A failed subscribe is tried again by the next wait.
      subscribed.catch(() => this.followed.delete(id))
    }
    following.lastWait = Date.now()
    try {
      await following.subscribed
    } catch (error) {
      throw this.connection.failure(error)
    }
  }

  private unfollowIdle(): void {
    const waitedOn = new Set(this.waiters.tasks())
    const idleSince = Date.now() - UNFOLLOW_AFTER_MS
    for (const [id, following] of this.followed) {
      if (waitedOn.has(id) || following.lastWait > idleSince) continue
      this.followed.delete(id)
      this.connection.client.unsubscribe(`${this.prefix}:task:${id}`).catch(() => {})
    }
  }

  close(): void {
    this.closed = true
    clearInterval(this.timer)
    this.connection.close()
  }
}
