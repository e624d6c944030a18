// A task store that refuses writes (issue 18, point 6 and the outage log of
// point 9): Redis at maxmemory with noeviction. A run whose outcome cannot be
// stored is retried until it can, never left `processing`; a client attached to
// its stream gets `event: error` at once instead of keep-alives for ever; new
// runs are answered 503 with Retry-After, and the outage is logged once per
// interval, not once per run with a stack trace.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { redisAvailable, startRedis, type TestRedis } from '../support/redis.ts'
import { chatEchoCompose, readSseEvents, until, words } from '../support/task-streams.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

if (redisAvailable()) {
  let redis: TestRedis
  let admin: RedisClient
  let upstream: Upstream
  let mc: McProcess
  let api: string

  beforeAll(async () => {
    redis = await startRedis()
    admin = new RedisClient(redis.url)
    await admin.send('CONFIG', ['SET', 'maxmemory-policy', 'noeviction'])
    upstream = startUpstream()
    const port = freePort()
    const compose = chatEchoCompose(port, upstream.url, { key: 'outage', delayMs: 100 }).replace(
      'controller:\n',
      `controller:\n  task_store: { driver: redis, url: "${redis.url}" }\n`,
    )
    mc = await startMc(composeDir({ 'compose.yml': compose }), [], port)
    api = `${mc.url}/api`
  })
  afterAll(async () => {
    await mc?.stop()
    upstream?.stop()
    admin?.close()
    await redis?.stop()
  })

  const post = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const statusOf = async (id: string) => ((await (await fetch(`${api}/tasks/${id}`)).json()) as { status: string }).status

  test('an outcome the store refuses: the attached client gets an error event, the task ends once the store takes writes', async () => {
    const answer = await post({ workflow_id: 'chat', input: { prompt: words(20) }, wait_for_completion: false })
    const { task_id } = (await answer.json()) as { task_id: string }
    const attached = await fetch(`${api}/tasks/${task_id}/stream`)
    expect(attached.status).toBe(200)
    const events = readSseEvents(attached)
    await Bun.sleep(500)
    await admin.send('CONFIG', ['SET', 'maxmemory', '1'])
    try {
      // The run ends ~1.5 s later; the client hears of the failed store at once, not after keep-alives for ever.
      const read = await Promise.race([events, Bun.sleep(10_000).then(() => 'hung' as const)])
      expect(read).not.toBe('hung')
      const last = (read as { event?: string; data: string }[]).at(-1)!
      expect(last.event).toBe('error')
      expect(last.data).toContain('could not be stored')
      expect(await statusOf(task_id)).toBe('processing')

      // New runs meanwhile: 503 at once, with Retry-After.
      for (let i = 0; i < 10; i++) {
        const refused = await post({ workflow_id: 'echo', input: { word: 'hi' } })
        expect(refused.status).toBe(503)
        expect(refused.headers.get('retry-after')).toBe('5')
        expect(((await refused.json()) as { detail: string }).detail).toContain('the task store (redis) is unavailable')
      }
    } finally {
      await admin.send('CONFIG', ['SET', 'maxmemory', '0'])
    }
    // The retried outcome lands within the backoff (at most 5 s between tries).
    await until('the task ended in the store', async () => (await statusOf(task_id)) === 'completed', 15_000)

    // One line for the outage, not one per run; no stack traces.
    const outageLines = mc.logs().split('\n').filter((line) => line.includes('task store (redis) is unavailable'))
    expect(outageLines.length).toBeGreaterThanOrEqual(1)
    expect(outageLines.length).toBeLessThanOrEqual(2)
    expect(mc.logs()).not.toContain('unexpected')
    expect(mc.logs()).not.toMatch(/\n\s+at /)

    const after = await post({ workflow_id: 'echo', input: { word: 'back' } })
    expect(((await after.json()) as { output: unknown }).output).toEqual({ said: 'back' })
  })
}
