// Pub/sub channels on connections of their own (a subscribed connection can
// run no other command). Bun's client confirms one SUBSCRIBE per round trip,
// so subscribing channel by channel made the entry point of
// test/bench/queue.ts push 2,000 runs over 2–3 s: the channels asked for in
// one turn of the event loop are subscribed together, in one SUBSCRIBE, and
// they are spread over a few connections (unsubscribing is one command per
// channel). Bun reconnects a dropped connection but does not subscribe again:
// this does. Messages published while a connection was down are lost —
// readers of results poll the result key too.

import type { RedisClient } from 'bun'
import { connected, openRedis } from './redis-connections.ts'

type Listener = (message: string) => void

/** Connections opened as channels need them, at most this many. */
const CONNECTIONS = 8

interface Connection {
  client: RedisClient
  /** Channels to subscribe at the end of this turn. */
  due: { channel: string; ready: PromiseWithResolvers<void> }[]
}

interface Channel {
  listeners: Set<Listener>
  connection: Connection
  ready: Promise<void>
}

export class Subscriptions {
  private readonly connections: (Connection | undefined)[] = []
  private readonly channels = new Map<string, Channel>()
  /** One Bun listener for every channel: it hands each message to the channel's listeners. */
  private readonly relay = (message: string, channel: string) => {
    for (const listener of this.channels.get(channel)?.listeners ?? []) listener(message)
  }

  constructor(private readonly url: string) {}

  /** Resolves once Redis confirmed the subscription; the function returned ends it. */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let entry = this.channels.get(channel)
    if (!entry) {
      const connection = this.connectionFor(channel)
      entry = { listeners: new Set(), connection, ready: this.subscribeSoon(connection, channel) }
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
    for (const connection of this.connections) connection?.client.close()
  }

  /** The channel's connection: by a hash of its name, opened on first use. */
  private connectionFor(channel: string): Connection {
    const slot = Bun.hash.crc32(channel) % CONNECTIONS
    return (this.connections[slot] ??= this.open())
  }

  private open(): Connection {
    const connection: Connection = { client: openRedis(this.url), due: [] }
    let connects = 0
    connection.client.onconnect = () => {
      if (connects++ === 0) return
      const mine = [...this.channels].filter(([, entry]) => entry.connection === connection).map(([channel]) => channel)
      if (mine.length > 0) void connection.client.subscribe(mine, this.relay).catch(() => {})
    }
    return connection
  }

  private subscribeSoon(connection: Connection, channel: string): Promise<void> {
    const ready = Promise.withResolvers<void>()
    if (connection.due.push({ channel, ready }) === 1) setImmediate(() => this.subscribeDue(connection))
    return ready.promise
  }

  private subscribeDue(connection: Connection): void {
    const due = connection.due
    connection.due = []
    connected(connection.client)
      .then((client) => client.subscribe(due.map(({ channel }) => channel), this.relay))
      .then(
        () => due.forEach(({ ready }) => ready.resolve()),
        (error) => due.forEach(({ ready }) => ready.reject(error)),
      )
  }

  private drop(channel: string, listener: Listener): void {
    const entry = this.channels.get(channel)
    if (!entry) return
    entry.listeners.delete(listener)
    if (entry.listeners.size > 0) return
    this.channels.delete(channel)
    void entry.connection.client.unsubscribe(channel, this.relay).catch(() => {})
  }
}
