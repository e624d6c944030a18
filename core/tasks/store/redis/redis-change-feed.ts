// What other mc processes sharing the Redis tell this one: cancel requests
// (channel P:cancel) and changes of the tasks someone here waits on (channel
// P:task:<id>, followed while waited on). Pub/sub rather than XREAD BLOCK: a
// subscribed connection serves many waiters (a blocked XREAD holds a
// connection each), and it also carries finishes and status changes, not only
// events. Task channels are spread over a few connections of their own: Bun's
// client confirms one SUBSCRIBE per round trip per connection, and an entry
// point following 2,000 tasks at once on one connection saw their first
// events 2 s late (test/bench/queue.ts).

import type { ChangeWaiters } from '../change-waiters.ts'
import { RedisConnection } from './redis-connection.ts'

/** A task's channel is left once nobody here has waited on it for this long. */
const UNFOLLOW_AFTER_MS = 5_000
/** After losing its connection, the feed connects again this often until it can. */
const RECONNECT_EVERY_MS = 1_000
/** Connections for task channels, opened as needed. */
const TASK_CONNECTIONS = 8

interface Following {
  subscribed: Promise<unknown>
  lastWait: number
  /** Which task connection carries its channel. */
  slot: number
}

export class RedisChangeFeed {
  private readonly followed = new Map<string, Following>()
  private readonly timer: Timer
  // A subscribed connection runs nothing but (un)subscribe: these are the feed's own.
  private connection!: RedisConnection
  private readonly taskConnections: (Promise<RedisConnection> | undefined)[] = []
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

  /** The cancel channel's connection. */
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

  /** Cancel requests published while the feed was away are missed; it connects again until it can. */
  private lost(connection: RedisConnection): void {
    if (this.closed || connection !== this.connection) return
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
      const slot = Bun.hash.crc32(id) % TASK_CONNECTIONS
      const subscribed = this.taskConnection(slot).then((connection) =>
        connection.client.subscribe(`${this.prefix}:task:${id}`, () => this.waiters.wake(id)).catch((error) => {
          throw connection.failure(error)
        }),
      )
      following = { subscribed, lastWait: 0, slot }
      this.followed.set(id, following)
      // A failed subscribe is tried again by the next wait.
      subscribed.catch(() => this.followed.delete(id))
    }
    following.lastWait = Date.now()
    await following.subscribed
  }

  private taskConnection(slot: number): Promise<RedisConnection> {
    let opening = this.taskConnections[slot]
    if (!opening) {
      opening = RedisConnection.open(this.url).then((connection) => {
        connection.client.onclose = () => this.lostTaskConnection(slot, connection)
        if (this.closed) connection.close()
        return connection
      })
      // A connection that could not open is tried again by the next follow.
      opening.catch(() => {
        if (this.taskConnections[slot] === opening) this.taskConnections[slot] = undefined
      })
      this.taskConnections[slot] = opening
    }
    return opening
  }

  /** Changes published while a connection was away are missed: its waiters read again, then follow anew. */
  private lostTaskConnection(slot: number, connection: RedisConnection): void {
    if (this.closed) return
    void this.taskConnections[slot]?.then((current) => {
      if (current !== connection) return
      this.taskConnections[slot] = undefined
      for (const [id, following] of this.followed) if (following.slot === slot) this.followed.delete(id)
      this.waiters.wakeAll()
    })
  }

  private unfollowIdle(): void {
    const waitedOn = new Set(this.waiters.tasks())
    const idleSince = Date.now() - UNFOLLOW_AFTER_MS
    for (const [id, following] of this.followed) {
      if (waitedOn.has(id) || following.lastWait > idleSince) continue
      this.followed.delete(id)
      void this.taskConnections[following.slot]?.then((connection) => connection.client.unsubscribe(`${this.prefix}:task:${id}`)).catch(() => {})
    }
  }

  close(): void {
    this.closed = true
    clearInterval(this.timer)
    this.connection.close()
    for (const opening of this.taskConnections) void opening?.then((connection) => connection.close(), () => {})
  }
}
