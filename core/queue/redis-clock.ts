// The Redis server's clock, as every process sharing a queue sees it: the
// announcements' expiry times and a task's `expires_at` are written by one
// machine and read on another, whose clocks may disagree by more than those
// times are long. Each process reads TIME now and then (with another command,
// so no extra round trip) and keeps how far its own clock is off.

import type { RedisClient } from 'bun'

export class RedisClock {
  /** Redis's time minus this process's, in ms. */
  private offsetMs = 0

  /** Sends TIME (pipelined with whatever else is sent in this turn); resolves to Redis's time in ms. */
  async read(redis: RedisClient): Promise<number> {
    const sentAt = Date.now()
    const [seconds, micros] = (await redis.send('TIME', [])) as [string, string]
    const redisNow = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)
    // The reply was made about halfway through the round trip.
    this.offsetMs = redisNow - (sentAt + Date.now()) / 2
    return redisNow
  }

  /** Redis's time now, in ms, as of the last read. */
  now(): number {
    return Math.round(Date.now() + this.offsetMs)
  }
}
