// Named API keys with limits, as a client of `mc up` sees them: keys from a
// file (MC_API_KEYS_FILE) and a variable (MC_API_KEYS) beside MC_API_KEY; a
// key past its requests per minute answered 429 with Retry-After while the
// others go on; a key's runs in progress bounded (concurrent_runs); a wrong
// key 401; the key's name in the log, never the key.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readPieces, startComposed, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const KEYS = { alice: 'alice-key-0b9f3c7e21', bob: 'bob-key-5d1e8a4f77', carol: 'carol-key-93ac0e5b14', dave: 'dave-key-7f20c6d1e8', default: 'default-key-4be1a9c035' }
const KEY_FILE = `
alice:
  key: ${KEYS.alice}
  requests_per_minute: 3
bob: { key: ${KEYS.bob}, concurrent_runs: 1 }
carol: ${KEYS.carol}
`

const compose = (port: number, upstreamUrl: string) => `
controller:
  port: ${port}
workflows:
  - id: hello
    output: { greeting: "Hello \${input.name}" }
    jobs:
      - component: nothing
  - id: held
    output: \${output as text;sse-text}
    jobs:
      - component: gated
components:
  - id: nothing
    type: shell
    command: [true]
  - id: gated
    type: http-client
    endpoint: ${upstreamUrl}/text
    params:
      gate: 1
      key: \${input.key}
      chunks: '["first ","second"]'
    stream_format: text
    output: \${response}
`

const as = (name: keyof typeof KEYS) => ({ authorization: `Bearer ${KEYS[name]}`, 'content-type': 'application/json' })

let upstream: Upstream
let mc: McProcess
let api: string

const run = (name: keyof typeof KEYS, body: Record<string, unknown> = { workflow_id: 'hello', input: { name } }) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: as(name), body: JSON.stringify({ output_only: true, ...body }) })

beforeAll(async () => {
  upstream = startUpstream()
  mc = await startComposed((port) => compose(port, upstream.url), { MC_API_KEYS: `dave:${KEYS.dave}`, MC_API_KEY: KEYS.default }, { keyFile: KEY_FILE })
  api = mc.api
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

describe('named API keys', () => {
  test('every key of the file, the variable and MC_API_KEY opens the API; a wrong or missing one is a 401', async () => {
    for (const name of ['carol', 'dave', 'default'] as const) expect(await (await run(name)).json()).toEqual({ greeting: `Hello ${name}` })
    const wrong = await fetch(`${api}/workflows`, { headers: { authorization: 'Bearer carol-key-93ac0e5b15' } })
    expect(wrong.status).toBe(401)
    expect(await wrong.json()).toEqual({ detail: 'wrong API key' })
    const missing = await fetch(`${api}/workflows`)
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { detail: string }).detail).toContain('a key of MC_API_KEY or MC_API_KEYS or MC_API_KEYS_FILE')
    expect(mc.logs()).toContain('API key required (keys: default, dave, alice, bob, carol)')
  })

  test('a key past its requests per minute gets 429 with Retry-After; another key still works', async () => {
    for (let i = 0; i < 3; i++) expect((await run('alice')).status).toBe(200)
    const refused = await run('alice')
    expect(refused.status).toBe(429)
    const retryAfter = Number(refused.headers.get('retry-after'))
    // Three a minute: the next one comes back within 20 s.
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(20)
    expect(((await refused.json()) as { detail: string }).detail).toStartWith('API key "alice" is past its limit of 3 requests per minute')
    // Any route counts, not only runs; /health never does.
    expect((await fetch(`${api}/workflows`, { headers: as('alice') })).status).toBe(429)
    expect((await fetch(`${api}/health`)).status).toBe(200)
    expect(await (await run('carol')).json()).toEqual({ greeting: 'Hello carol' })
  })

  test("a key's runs in progress are bounded by its concurrent_runs; the others' are not", async () => {
    const first = await run('bob', { workflow_id: 'held', input: { key: 'bob-1' } })
    expect(first.status).toBe(200)
    const second = await run('bob', { workflow_id: 'held', input: { key: 'bob-2' } })
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('1')
    expect(((await second.json()) as { detail: string }).detail).toBe('API key "bob" has 1 runs in progress, its limit (concurrent_runs); try again when one ends')
    // Refused before anything started: the upstream never saw it.
    expect(upstream.stats('bob-2').requests).toBe(0)
    const other = await run('carol', { workflow_id: 'held', input: { key: 'carol-1' } })
    expect(other.status).toBe(200)
    upstream.release('bob-1')
    upstream.release('carol-1')
    expect((await readPieces(first)).text).toContain('data: second')
    expect((await readPieces(other)).text).toContain('data: second')
    // The run ended: its place is free again (given back as its task settles, just after its last byte).
    let status = 429
    for (let tries = 0; status === 429 && tries < 100; tries++) {
      status = (await run('bob')).status
      if (status === 429) await Bun.sleep(10)
    }
    expect(status).toBe(200)
  })

  test('the log names the key, never shows it', () => {
    const logs = mc.logs()
    expect(logs).toContain('warning: API key "alice" is past its 3 requests per minute: answering 429')
    // One line per burst of refusals, not one per request.
    expect(logs.split('API key "alice" is past').length - 1).toBe(1)
    for (const key of Object.values(KEYS)) expect(logs).not.toContain(key)
  })
})
