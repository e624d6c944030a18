// Pub/sub channels on connections of their own (a subscribed connection can
// run no other command). Bun's client waits for each SUBSCRIBE's reply before
// sending the next, so one connection confirms one subscription per round
// trip: the entry point of test/bench/queue.ts, subscribing to a result
// channel per run, pushed 2,000 runs over 3 s. Channels are spread over a few
// connections (always the same one for a channel), which confirm theirs side
// by side. Bun reconnects a dropped connection but does not subscribe again:
// this does, once per channel. Messages published while a connection was down
// are lost — readers of results poll the result key too.

import type { RedisClient } from 'bun'
import { connected, openRedis } from './redis-connections.ts'

type Listener = (message: string) => void

/** Connections opened as channels need them, at most this many. */
const CONNECTIONS = 16

interface Channel {
  listeners: Set<Listener>
  relay: Listener
  client: RedisClient
  ready: Promise<unknown>
}

export class Subscriptions {
  private readonly clients: (RedisClient | undefined)[] = []
  private readonly channels = new Map<string, Channel>()

  constructor(private readonly url: string) {}

  /** Resolves once Redis confirmed the subscription; the function returned ends it. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let entry = this.channels.get(channel)
    if (!entry) {
      const listeners = new Set<Listener>()
      const relay: Listener = (message) => {
        for (const fn of listeners) fn(message)
      }
      const client = this.clientFor(channel)
      entry = { listeners, relay, client, ready: connected(client).then((c) => c.subscribe(channel, relay)) }
      this.channels.set(channel, entry)
    }
    entry.listeners.add(listener)
    try {
      await entry.ready
    } catch (error) {
      this.drop(channel, listener)
      throw error
    }
    return () => this.drop(channel, listener)
  }

  close(): void {
    this.channels.clear()
    for (const client of this.clients) client?.close()
  }

  /** The channel's connection: by a hash of its name, opened on first use. */
  private clientFor(channel: string): RedisClient {
    const slot = Bun.hash.crc32(channel) % CONNECTIONS
    return (this.clients[slot] ??= this.open())
  }

  private open(): RedisClient {
    const client = openRedis(this.url)
    let connects = 0
    client.onconnect = () => {
      if (connects++ === 0) return
      for (const [channel, entry] of this.channels) {
        if (entry.client !== client) continue
        void client
          .unsubscribe(channel, entry.relay)
          .then(() => client.subscribe(channel, entry.relay))
          .catch(() => {})
      }
    }
    return client
  }

  private drop(channel: string, listener: Listener): void {
    const entry = this.channels.get(channel)
    if (!entry) return
    entry.listeners.delete(listener)
    if (entry.listeners.size > 0) return
    this.channels.delete(channel)
    void entry.client.unsubscribe(channel, entry.relay).catch(() => {})
  }
}
