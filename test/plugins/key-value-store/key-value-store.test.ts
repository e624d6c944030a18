// The key-value-store component: model-compose 0.4.92's own
// integrations/key-value-store/redis example, unchanged but for its ports, run
// by `mc up` against a real redis-server the test starts, and the same file on
// the memory and sqlite drivers giving the same answers over HTTP. Then what a
// hostile or mistaken request meets: one line naming the field and a 4xx.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { RedisClient } from 'bun'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { callWorkflow, composeDir, freePort, type McProcess, runMc, startMc } from '../../support/mc.ts'
import { redisAvailable, startRedis, type TestRedis } from '../../support/redis.ts'

const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/integrations/key-value-store/redis/model-compose.yml'), 'utf8')
const REDIS_KEYS = 'driver: redis\n    host: localhost\n    port: 6379'

/** The example on free ports, its store swapped for `store` (the driver's keys). */
function exampleWith(port: number, store: string): string {
  const text = EXAMPLE.replace('port: 8080', `port: ${port}`).replace('port: 8081', `port: ${freePort()}`)
  expect(text).toContain(REDIS_KEYS)
  return text.replace(REDIS_KEYS, store)
}

async function up(store: string, env: Record<string, string> = {}, dir?: string): Promise<McProcess> {
  const port = freePort()
  return startMc(dir ?? composeDir({ 'model-compose.yml': exampleWith(port, store) }), [], port, env)
}

/** What every driver must answer alike: the example's four workflows, one key and lists. */
async function behavesLikeAStore(mc: McProcess) {
  expect((await callWorkflow(mc, 'set-value', { key: 'greeting', value: 'hello' })).body).toEqual({ key: 'greeting', success: true })
  expect((await callWorkflow(mc, 'get-value', { key: 'greeting' })).body).toEqual({ key: 'greeting', value: 'hello' })
  expect((await callWorkflow(mc, 'check-value', { key: 'greeting' })).body).toEqual({ key: 'greeting', exists: true })
  expect((await callWorkflow(mc, 'check-value', { key: 'nobody' })).body).toEqual({ key: 'nobody', exists: false })
  expect((await callWorkflow(mc, 'get-value', { key: 'nobody' })).body).toEqual({ key: 'nobody', value: null })
  // Mappings and lists are stored as JSON and come back as they went in.
  await callWorkflow(mc, 'set-value', { key: 'profile', value: { name: 'Ada', tags: ['x', 'y'] } })
  expect((await callWorkflow(mc, 'get-value', { key: 'profile' })).body.value).toEqual({ name: 'Ada', tags: ['x', 'y'] })
  // A list of keys: one result a key, in order; one value for all of them.
  expect((await callWorkflow(mc, 'set-value', { key: ['a', 'b'], value: 'same' })).body).toEqual([{ key: 'a', success: true }, { key: 'b', success: true }])
  expect((await callWorkflow(mc, 'get-value', { key: ['b', 'nobody', 'a'] })).body).toEqual([{ key: 'b', value: 'same' }, { key: 'nobody', value: null }, { key: 'a', value: 'same' }])
  expect((await callWorkflow(mc, 'delete-value', { key: ['a', 'nobody'] })).body).toEqual([{ key: 'a', deleted: true }, { key: 'nobody', deleted: false }])
  expect((await callWorkflow(mc, 'delete-value', { key: 'greeting' })).body).toEqual({ key: 'greeting', deleted: true })
  expect((await callWorkflow(mc, 'check-value', { key: 'greeting' })).body).toEqual({ key: 'greeting', exists: false })
}

if (redisAvailable()) {
  describe('0.4.92 integrations/key-value-store/redis against a real redis-server', () => {
    let redis: TestRedis
    let mc: McProcess
    beforeAll(async () => {
      redis = await startRedis()
      mc = await up(`driver: redis\n    host: 127.0.0.1\n    port: ${redis.port}`)
    })
    afterAll(async () => {
      await mc?.stop()
      await redis?.stop()
    })

    test('set, get, exists and delete answer as model-compose does', async () => {
      await behavesLikeAStore(mc)
    })

    test('a TTL reaches Redis as the key expiry; without one, the key stays', async () => {
      await callWorkflow(mc, 'set-value', { key: 'short', value: 1, ttl: 30 })
      await callWorkflow(mc, 'set-value', { key: 'long', value: 2 })
      const client = new RedisClient(redis.url)
      try {
        const pttl = Number(await client.send('PTTL', ['short']))
        expect(pttl).toBeGreaterThan(0)
        expect(pttl).toBeLessThanOrEqual(30_000)
        expect(Number(await client.send('PTTL', ['long']))).toBe(-1)
        // What model-compose writes is what mc writes: text, JSON for mappings.
        await callWorkflow(mc, 'set-value', { key: 'json', value: { n: 1 } })
        expect(await client.get('json')).toBe('{"n": 1}')
      } finally {
        client.close()
      }
    })

    test('an expired key is gone', async () => {
      await callWorkflow(mc, 'set-value', { key: 'blink', value: 'x', ttl: '50ms' })
      while ((await callWorkflow(mc, 'check-value', { key: 'blink' })).body.exists) await Bun.sleep(20)
      expect((await callWorkflow(mc, 'get-value', { key: 'blink' })).body).toEqual({ key: 'blink', value: null })
    })
  })

  test('a Redis that is down: a 502 naming the server, its password masked, and mc keeps serving', async () => {
    const port = freePort()
    const mc = await up(`driver: redis\n    url: redis://:hunter2secret@127.0.0.1:${port}/0`)
    try {
      const { status, body } = await callWorkflow(mc, 'get-value', { key: 'k' })
      expect(status).toBe(502)
      expect(JSON.stringify(body)).toContain('key-value store (redis redis://')
      expect(JSON.stringify(body)).not.toContain('hunter2secret')
      expect(mc.logs()).not.toContain('hunter2secret')
      expect((await fetch(`${mc.api}/health`)).status).toBe(200)
    } finally {
      await mc.stop()
    }
  })
}

test('driver memory answers as redis does', async () => {
  const mc = await up('driver: memory')
  try {
    await behavesLikeAStore(mc)
  } finally {
    await mc.stop()
  }
})

test('driver sqlite answers as redis does, and keeps its keys across a restart of mc', async () => {
  const port = freePort()
  const dir = composeDir({ 'model-compose.yml': exampleWith(port, 'driver: sqlite\n    path: data/kv.sqlite') })
  let mc = await startMc(dir, [], port)
  try {
    await behavesLikeAStore(mc)
    await callWorkflow(mc, 'set-value', { key: 'kept', value: [1, 2, 3] })
    await callWorkflow(mc, 'set-value', { key: 'fleeting', value: 'x', ttl: '1ms' })
    await mc.stop()
    mc = await startMc(dir, [], port)
    expect((await callWorkflow(mc, 'get-value', { key: ['kept', 'fleeting'] })).body).toEqual([{ key: 'kept', value: [1, 2, 3] }, { key: 'fleeting', value: null }])
  } finally {
    await mc.stop()
  }
})

describe('bounds and bad input', () => {
  let mc: McProcess
  beforeAll(async () => {
    mc = await up('driver: memory', { MC_KV_MAX_KEYS: '3', MC_KV_MAX_VALUE_BYTES: '1KiB', MC_KV_MEMORY_MAX_BYTES: '8KiB' })
  })
  afterAll(() => mc?.stop())

  test.each([
    ['key: missing', 'get-value', {}],
    ['key: 4 keys, more than the 3 one call takes (MC_KV_MAX_KEYS)', 'get-value', { key: ['a', 'b', 'c', 'd'] }],
    ['key: expected a text, got object', 'get-value', { key: { a: 1 } }],
    ['key[1]: expected a text, got null', 'get-value', { key: ['a', null] }],
    ['value: 2000 bytes, more than 1024 (MC_KV_MAX_VALUE_BYTES)', 'set-value', { key: 'big', value: 'x'.repeat(2000) }],
    ['value: 2 keys but 3 values', 'set-value', { key: ['a', 'b'], value: [1, 2, 3] }],
    ['ttl: expected seconds above 0', 'set-value', { key: 'k', value: 1, ttl: -5 }],
    ['ttl: expected seconds above 0', 'set-value', { key: 'k', value: 1, ttl: 'soon' }],
  ])('422 "%s"', async (message, workflow, input) => {
    const { status, body } = await callWorkflow(mc, workflow, input)
    expect(status).toBe(422)
    expect(body.detail).toContain(message)
  })

  test('a full memory store refuses what would grow it, yet overwrites and deletes still work', async () => {
    let refused: { status: number; body: unknown } | undefined
    for (let i = 0; i < 20 && !refused; i++) {
      const answer = await callWorkflow(mc, 'set-value', { key: `k${i}`, value: 'v'.repeat(900) })
      if (answer.status !== 200) refused = answer
    }
    expect(refused?.status).toBe(422)
    expect(JSON.stringify(refused?.body)).toContain('the memory key-value store is full')
    expect((await callWorkflow(mc, 'set-value', { key: 'k0', value: 'small' })).status).toBe(200)
    expect((await callWorkflow(mc, 'delete-value', { key: 'k1' })).body).toEqual({ key: 'k1', deleted: true })
  })
})

test('an unknown driver is refused at load, naming the line', async () => {
  const dir = composeDir({ 'model-compose.yml': exampleWith(freePort(), 'driver: etcd') })
  const result = await runMc(['run', 'get-value', '-i', '{"key":"k"}'], { cwd: dir })
  expect(result.code).not.toBe(0)
  expect(result.stderr).toMatch(/model-compose\.yml:\d+:\d+.*driver.*expected memory, sqlite, redis, got "etcd"/)
})
