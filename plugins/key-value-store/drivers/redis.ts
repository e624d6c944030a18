// `driver: redis`: a Redis server, through Bun's built-in client. Values are
// text as model-compose writes them (value-text.ts), so both read each other's
// keys. Commands run pipelined (Bun sends what is issued together in one
// write). A command that fails says so in one line naming the server, its
// password masked; with the offline queue off, a server that is away fails a
// run at once and the next run connects again; a server that stops answering
// fails it after `timeoutMs`.

import { RedisClient } from 'bun'
import { describeUrl, upstreamFailed, upstreamTimedOut } from '../../../core/plugin/api.ts'
import { decodeValue, encodeValue } from './value-text.ts'
import type { KeyValueDriver } from './driver.ts'

export class RedisDriver implements KeyValueDriver {
  private readonly client: RedisClient
  private readonly where: string
  private connecting: Promise<void> | undefined

  constructor(url: string, private readonly timeoutMs: number) {
    this.where = `key-value store (redis ${describeUrl(url)})`
    this.client = new RedisClient(url, { enableOfflineQueue: false, connectionTimeout: Math.min(timeoutMs, 5_000), autoReconnect: false })
  }

  async get(keys: string[]): Promise<unknown[]> {
    const values = (await this.call([['MGET', keys]]))[0] as (string | null)[]
    return values.map(decodeValue)
  }

  async set(pairs: [string, unknown][], ttlMs: number | undefined): Promise<void> {
    if (ttlMs === undefined) await this.call([['MSET', pairs.flatMap(([key, value]) => [key, encodeValue(value)])]])
    else await this.call(pairs.map(([key, value]) => ['SET', [key, encodeValue(value), 'PX', String(ttlMs)]]))
  }

  async delete(keys: string[]): Promise<boolean[]> {
    return (await this.call(keys.map((key) => ['DEL', [key]]))).map((count) => Number(count) > 0)
  }

  async exists(keys: string[]): Promise<boolean[]> {
    return (await this.call(keys.map((key) => ['EXISTS', [key]]))).map((count) => Number(count) > 0)
  }

  close(): void {
    this.client.close()
  }

  /** Sends commands together; one line naming the server when any fails, a 504 past the timeout. */
  private async call(commands: [string, string[]][]): Promise<unknown[]> {
    let timer: Timer | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(upstreamTimedOut(`${this.where}: no answer within ${this.timeoutMs / 1000} s`)), this.timeoutMs)
    })
    try {
      const work = (async () => {
        if (!this.client.connected) await (this.connecting ??= this.client.connect().finally(() => (this.connecting = undefined)))
        return await Promise.all(commands.map(([command, args]) => this.client.send(command, args)))
      })()
      return await Promise.race([work, timeout])
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(this.where)) throw error
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]
      throw upstreamFailed(`${this.where}: ${message}`)
    } finally {
      clearTimeout(timer)
    }
  }
}
