// Connections to the queue's Redis (Bun's built-in client). A blocking command
// (BRPOP, XREAD BLOCK) holds its connection until it answers, so each blocking
// reader borrows one of its own; everything else shares one auto-pipelined
// connection. Bun reconnects on its own a few times, then gives up for good
// (every command fails at once): `connected()` starts it again.

import { RedisClient } from 'bun'

/** A few seconds of Bun's own reconnecting before a command fails (and the next use reconnects). */
const OPTIONS = { maxRetries: 10, connectionTimeout: 5_000 }

export function openRedis(url: string): RedisClient {
  return new RedisClient(url, OPTIONS)
}

/** The client, connecting it again when Bun gave up on it. */
export async function connected(client: RedisClient): Promise<RedisClient> {
  if (!client.connected) await client.connect()
  return client
}

/** Connections for blocking reads: borrowed one per reader, a few kept idle for the next. */
export class BlockingConnections {
  private readonly idle: RedisClient[] = []
  private readonly lent = new Set<RedisClient>()
  private closed = false

  constructor(
    private readonly url: string,
    private readonly maxIdle = 16,
  ) {}

  borrow(): RedisClient {
    const client = this.idle.pop() ?? openRedis(this.url)
    this.lent.add(client)
    return client
  }

  /** Back to the pool once its last command has answered (a blocked one would hold up the next borrower). */
  giveBack(client: RedisClient): void {
    this.lent.delete(client)
    if (this.closed || this.idle.length >= this.maxIdle || !client.connected) client.close()
    else this.idle.push(client)
  }

  close(): void {
    this.closed = true
    for (const client of [...this.idle, ...this.lent]) client.close()
    this.idle.length = 0
    this.lent.clear()
  }
}
