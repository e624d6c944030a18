// A connection of the Redis task store: Bun's built-in client, commands that
// fail say so in one line naming the server (never its password), scripts run
// by their SHA-1 (loaded on first use, again after a Redis restart). With the
// offline queue off and no reconnecting in the background, a command while
// Redis is away fails at once instead of waiting (an unreachable server is
// reported in about a second, not after Bun's 20 retries); the next command
// connects again.

import { RedisClient } from 'bun'
import { describeUrl } from '../../../secrets.ts'
import { SCRIPTS, type ScriptName } from './redis-scripts.ts'

const SHAS = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, source]) => [name, new Bun.CryptoHasher('sha1').update(source).digest('hex')]),
) as Record<ScriptName, string>

export class RedisConnection {
  readonly client: RedisClient
  private readonly where: string
  private connecting: Promise<void> | undefined

  private constructor(url: string) {
    this.where = `task store (redis ${describeUrl(url)})`
    this.client = new RedisClient(url, { enableOfflineQueue: false, connectionTimeout: 5_000, autoReconnect: false })
  }

  static async open(url: string): Promise<RedisConnection> {
    const connection = new RedisConnection(url)
    try {
      await connection.client.connect()
    } catch (error) {
      connection.client.close()
      throw connection.failure(`cannot connect: ${error instanceof Error ? error.message : error}`)
    }
    return connection
  }

  /** Sends one command; the reply is as Bun converts it (of any shape: callers read what their command returns). */
  async call(command: string, args: (string | number)[]): Promise<any> {
    try {
      if (!this.client.connected) await this.reconnect()
      return await this.client.send(command, args.map(String))
    } catch (error) {
      throw this.failure(error)
    }
  }

  /** One attempt at a time, shared by the commands that wait for it. */
  private reconnect(): Promise<void> {
    this.connecting ??= this.client.connect().finally(() => (this.connecting = undefined))
    return this.connecting
  }

  /** Runs one of SCRIPTS (no KEYS: they build keys from the prefix in ARGV[1]). */
  async script(name: ScriptName, args: (string | number)[]): Promise<any> {
    try {
      return await this.call('EVALSHA', [SHAS[name], 0, ...args])
    } catch (error) {
      if (!String((error as Error).message).includes('NOSCRIPT')) throw error
      return await this.call('EVAL', [SCRIPTS[name], 0, ...args])
    }
  }

  /** One line: where, and what went wrong. */
  failure(error: unknown): Error {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
    return new Error(message.startsWith('task store') ? message : `${this.where}: ${message}`)
  }

  close(): void {
    this.client.close()
  }
}
