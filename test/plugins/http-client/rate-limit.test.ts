// model-compose's http-client `rate_limit`: one limit for all of a
// component's calls. The limiter's turns, on its own clock ("2/s": two at
// once, then one every 500 ms; `interval`; a turn given back; a turn too far
// away refused); then through `mc up` against an upstream that records when
// calls arrive: the calls past the limit wait for their turn (never sooner),
// one waiting can be cancelled and never reaches the upstream, and one whose
// turn is hours away is a 503 at once. `mc validate` checks the key.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { HttpError } from '../../../core/errors.ts'
import { RateLimiter, rateLimitOf, type RateLimitSetting } from '../../../plugins/http-client/rate-limit.ts'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../../support/mc.ts'

/** The delays of `count` turns taken at once, on a clock that stands still. */
function delaysOf(setting: RateLimitSetting, count: number): number[] {
  const limiter = new RateLimiter(rateLimitOf(setting), 'test', () => 0)
  return Array.from({ length: count }, () => limiter.reserve().delayMs)
}

describe('the limiter', () => {
  test('requests per period: that many at once, then one every period/requests, in the order asked', () => {
    expect(delaysOf('2/s', 5)).toEqual([0, 0, 500, 1000, 1500])
    expect(delaysOf('3/1m', 4)).toEqual([0, 0, 0, 20_000])
    expect(delaysOf({ requests: 4, period: '2s', burst: 1 }, 3)).toEqual([0, 500, 1000])
  })

  test('interval: the least time between two calls, alone or with requests', () => {
    expect(delaysOf({ interval: '100ms' }, 3)).toEqual([0, 100, 200])
    expect(delaysOf({ requests: 2, period: '1s', interval: '300ms' }, 3)).toEqual([0, 300, 600])
  })

  test('time refills the bucket; a turn given back (its run cancelled) goes to the next call', () => {
    let now = 0
    const limiter = new RateLimiter(rateLimitOf('2/s'), 'test', () => now)
    expect([limiter.reserve().delayMs, limiter.reserve().delayMs]).toEqual([0, 0])
    const third = limiter.reserve()
    expect(third.delayMs).toBe(500)
    third.giveBack()
    expect(limiter.reserve().delayMs).toBe(500)
    // At 1500 ms the turn at 500 is long past and the bucket full again.
    now = 1500
    expect([0, 1, 2].map(() => limiter.reserve().delayMs)).toEqual([0, 0, 500])
  })

  test('a turn further away than a call waits is a 503 with Retry-After, and takes nothing', () => {
    const limiter = new RateLimiter(rateLimitOf('1/1h'), 'component "api"', () => 0)
    expect(limiter.reserve().delayMs).toBe(0)
    const refuse = () => limiter.reserve()
    expect(refuse).toThrow('component "api": its rate_limit has no turn free for 3600 s, more than the 300 s a call waits; try again later')
    try {
      refuse()
    } catch (error) {
      expect(error).toBeInstanceOf(HttpError)
      expect([(error as HttpError).status, (error as HttpError).retryAfterSeconds]).toEqual([503, 3600])
    }
  })
})

describe('rate_limit in mc', () => {
  const arrivals: Record<string, number[]> = {}
  let upstream: ReturnType<typeof Bun.serve>
  let mc: McProcess
  let api: string
  beforeAll(async () => {
    upstream = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch(request) {
        const key = new URL(request.url).searchParams.get('key') ?? ''
        ;(arrivals[key] ??= []).push(performance.now())
        return Response.json({ ok: true })
      },
    })
    const port = freePort()
    const client = (id: string, limit: string) => `
  - id: ${id}
    type: http-client
    rate_limit: ${limit}
    endpoint: http://127.0.0.1:${upstream.port}/call
    params:
      key: \${input.key}
    output: \${response.ok}`
    const dir = composeDir({
      'compose.yml': `
controller:
  port: ${port}
workflows:
  - { id: per-second, jobs: [{ component: per-second }] }
  - { id: per-minute, jobs: [{ component: per-minute }] }
  - { id: per-hour, jobs: [{ component: per-hour }] }
components:${client('per-second', '2/s')}${client('per-minute', '"2/1m"')}${client('per-hour', '{ requests: 1, period: 1h }')}
`,
    })
    mc = await startMc(dir, [], port)
    api = `${mc.url}/api`
  })
  afterAll(async () => {
    await mc?.stop()
    upstream?.stop(true)
  })

  const run = (workflow: string, key: string, wait = true) =>
    fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input: { key }, wait_for_completion: wait }) })

  test('"2/s": the first two calls go at once, each next one waits its turn', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => run('per-second', 'second')))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200])
    const at = arrivals.second!
    expect(at).toHaveLength(4)
    // Turns at 0, 0, 500 and 1000 ms: never sooner (the limit is a floor, however slow the machine).
    expect(at[2]! - at[0]!).toBeGreaterThanOrEqual(450)
    expect(at[3]! - at[2]!).toBeGreaterThanOrEqual(450)
  })

  test('"2/1m": a third call waits, reaching nothing; cancelled, it never goes', async () => {
    expect((await run('per-minute', 'minute')).status).toBe(200)
    expect((await run('per-minute', 'minute')).status).toBe(200)
    const { task_id } = (await (await run('per-minute', 'minute', false)).json()) as { task_id: string }
    const taskView = async () => (await (await fetch(`${api}/tasks/${task_id}`)).json()) as { status: string; error?: string }
    const task = async () => (await taskView()).status
    // Started (the store says so once the run is under way), then held at the limit.
    let status = await task()
    for (let tries = 0; status === 'pending' && tries < 100; tries++) status = (await Bun.sleep(10), await task())
    expect(status).toBe('processing')
    expect(arrivals.minute).toHaveLength(2)
    const cancelled = await fetch(`${api}/tasks/${task_id}/cancel`, { method: 'POST' })
    expect(cancelled.status).toBe(200)
    expect(await taskView()).toMatchObject({ status: 'failed', error: expect.stringContaining('cancelled') })
    expect(arrivals.minute).toHaveLength(2)
  })

  test('a call whose turn is an hour away is answered 503 at once, with Retry-After', async () => {
    expect((await run('per-hour', 'hour')).status).toBe(200)
    const refused = await run('per-hour', 'hour')
    expect(refused.status).toBe(503)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000)
    expect(((await refused.json()) as { error: string }).error).toContain('component "per-hour": its rate_limit has no turn free for')
    expect(arrivals.hour).toHaveLength(1)
  })
})

test('mc validate: rate_limit as model-compose writes it, and its mistakes at their line', async () => {
  const file = (limit: string) => `components:\n  - id: api\n    type: http-client\n    rate_limit: ${limit}\n    endpoint: http://127.0.0.1:1/x\nworkflow:\n  jobs: [{ component: api }]\n`
  const validate = (limit: string) => runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': file(limit) }) })
  for (const ok of ['10/s', '"100/1m"', '5/2.5s', '{ requests: 3, period: 10s, burst: 5 }', '{ interval: 200ms }']) expect((await validate(ok)).code).toBe(0)
  expect((await validate('ten per second')).stderr).toContain('model-compose.yml:4:17: components[0].rate_limit: expected "<requests>/<duration>" such as "10/s" or "100/1m"')
  expect((await validate('{ period: 1s }')).stderr).toContain('model-compose.yml:4:17: components[0].rate_limit: needs "requests" or "interval" (or both)')
  expect((await validate('{ interval: 1s, burst: 2 }')).stderr).toContain('components[0].rate_limit.burst: is meaningless without "requests"')
  expect((await validate('{ requests: 2, period: 0 }')).stderr).toContain('components[0].rate_limit.period: expected a duration above 0')
})
