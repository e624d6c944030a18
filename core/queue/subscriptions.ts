// Pub/sub channels on one connection of their own (a subscribed connection can
// run no other command). Bun reconnects a dropped connection but does not
// subscribe again: this does, once per channel. Messages published while the
// connection was down are lost — readers of results poll the result key too.

import type { RedisClient } from 'bun'
import { connected, openRedis } from './redis-connections.ts'

type Listener = (message: string) => void

export class Subscriptions {
  private readonly client: RedisClient
  /** One Bun listener per channel, fanning out to ours. */
  private readonly channels = new Map<string, { listeners: Set<Listener>; relay: Listener; ready: Promise<unknown> }>()
  private connects = 0

  constructor(url: string) {
    this.client = openRedis(url)
    this.client.onconnect = () => {
      if (this.connects++ === 0) return
      for (const [channel, { relay }] of this.channels) {
        void this.client
          .unsubscribe(channel, relay)
          .then(() => this.client.subscribe(channel, relay))
          .catch(() => {})
      }
    }
  }

  /** Resolves once Redis confirmed the subscription; the function returned ends it. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let entry = this.channels.get(channel)
    if (!entry) {
      const listeners = new Set<Listener>()
      const relay: Listener = (message) => {
        for (const fn of listeners) fn(message)
      }
      entry = { listeners, relay, ready: connected(this.client).then((client) => client.subscribe(channel, relay)) }
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
    this.client.close()
  }

  private drop(channel: string, listener: Listener): void {
    const entry = this.channels.get(channel)
    if (!entry) return
    entry.listeners.delete(listener)
    if (entry.listeners.size > 0) return
    this.channels.delete(channel)
    void this.client.unsubscribe(channel, entry.relay).catch(() => {})
  }
}
