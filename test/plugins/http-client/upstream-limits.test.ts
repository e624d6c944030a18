// What a client sees when an upstream misbehaves in ways that used to lose data
// silently: chunks too large to hold, bytes that never form an SSE event, a
// Retry-After longer than the action's timeout, whole bodies too large to read.
// Through real `mc up` / `mc run` processes against the local upstream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'

const MiB = 1024 * 1024

const compose = (port: number) => `
controller:
  type: http-server
  port: ${port}

workflows:
  - id: fetch
    jobs:
      - component: fetch
  - id: listed
    output: { events: "\${jobs.a.output}" }
    jobs:
      - id: a
        component: fetch
  - id: ndjson
    jobs:
      - component: ndjson
  - id: rate-limited
    jobs:
      - component: rate-limited

components:
  - id: fetch
    type: http-client
    endpoint: \${env.U}\${input.path}
  - id: ndjson
    type: http-client
    endpoint: \${env.U}\${input.path}
    stream_format: json
    output: \${response[]}
  - id: rate-limited
    type: http-client
    endpoint: \${env.U}/v1/chat/completions
    params: { fail: 1, status: 429, retry_after: "\${input.retry_after}", key: "\${input.key}" }
    body: { stream: true, messages: [{ role: user, content: hi }] }
    max_retries: 2
    output: \${response}
`

let upstream: Upstream
let dir: string
let mc: McProcess
let raisedPort: number

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  raisedPort = freePort()
  dir = composeDir({ 'compose.yml': compose(port), 'raised.yml': compose(raisedPort), 'raised.env': 'MC_MAX_CHUNK_BYTES=32MiB\n' })
  mc = await startMc(dir, ['-f', 'compose.yml', '-e', 'MC_MAX_RESPONSE_BYTES=1MiB'], port, { U: upstream.url })
})

afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const run = (server: McProcess, workflowId: string, input: Record<string, unknown>, signal?: AbortSignal) =>
  fetch(`${server.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflowId, input, output_only: true }),
    ...(signal ? { signal } : {}),
  })

/** The `detail` of the body's `error` event (undefined when there is none). */
function errorEventOf(body: string): string | undefined {
  const match = /event: error\ndata: (.*)\n\n$/.exec(body)
  return match ? (JSON.parse(match[1]!) as { detail: string }).detail : undefined
}

/** The resident set of a process in bytes, from /proc. */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return Number(match![1]) * 1024
}

describe('a chunk over MC_MAX_CHUNK_BYTES (8 MiB by default)', () => {
  test('a 50 MB data line with no newline: an error event naming the limit, mc holding about the limit', async () => {
    const before = rssOf(mc.proc.pid)
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(mc.proc.pid))), 5)
    const response = await run(mc, 'fetch', { path: `/sse/long?bytes=${50 * MiB}&key=long-line` })
    const body = (await response.text()).replace(/^id: .*\n/gm, '')
    clearInterval(sampler)
    peak = Math.max(peak, rssOf(mc.proc.pid))
    expect(response.status).toBe(200)
    expect(body.startsWith('event: error')).toBe(true) // no partial chunk went out first
    const detail = errorEventOf(body)
    expect(detail).toMatch(/^upstream GET http:\/\/127\.0\.0\.1:\d+\/sse\/long sent an SSE event larger than 8 MiB/)
    expect(detail).toContain('MC_MAX_CHUNK_BYTES')
    expect(peak).toBeLessThan(3 * 8 * MiB + 150 * MiB)
    expect(peak - before).toBeLessThan(40 * MiB) // less than the line: mc never held it all
    // mc hung up instead of reading the rest (the upstream learns it a moment later).
    for (let i = 0; i < 100 && upstream.stats('long-line').cancelledAt === undefined; i++) await Bun.sleep(20)
    expect(upstream.stats('long-line').cancelledAt).toBeDefined()
    expect(upstream.stats('long-line').eventsSent * 64 * 1024).toBeLessThan(40 * MiB)
  })

  test('a 20 MB event (blank line and all): an error event naming the limit and how to raise it', async () => {
    const body = await (await run(mc, 'fetch', { path: `/sse/long?bytes=${20 * MiB}&end=%0A%0A` })).text()
    expect(errorEventOf(body)).toMatch(/sent an SSE event larger than 8 MiB.*MC_MAX_CHUNK_BYTES=32MiB/)
  })

  test('an NDJSON line over the limit (stream_format json): an error event, not an empty stream', async () => {
    const body = await (await run(mc, 'ndjson', { path: '/bulk?chunk_bytes=65536&count=160' })).text()
    expect(errorEventOf(body)).toMatch(/^upstream GET http:\/\/127\.0\.0\.1:\d+\/bulk sent a line larger than 8 MiB.*MC_MAX_CHUNK_BYTES/)
  })

  test('raised with --env-file MC_MAX_CHUNK_BYTES=32MiB, the 20 MB event arrives whole', async () => {
    const raised = await startMc(dir, ['-f', 'raised.yml', '--env-file', 'raised.env'], raisedPort, { U: upstream.url })
    try {
      const body = (await (await run(raised, 'fetch', { path: `/sse/long?bytes=${20 * MiB}&end=%0A%0A` })).text()).replace(/^id: .*\n/gm, '')
      expect(body.length).toBe(20 * MiB + 'data: \n\n'.length)
      expect(body.startsWith('data: aaaa')).toBe(true)
      expect(body.endsWith('aaaa\n\n')).toBe(true)
    } finally {
      await raised.stop()
    }
  })

  test('a bad MC_MAX_CHUNK_BYTES is one line naming it, exit 1', async () => {
    const result = await runMc(['-f', 'compose.yml', '-e', 'MC_MAX_CHUNK_BYTES=lots', 'run', 'fetch', '-i', '{"path": "/sse"}'], { cwd: dir, env: { U: upstream.url } })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: MC_MAX_CHUNK_BYTES: expected a number of bytes such as 8388608 or 8MiB, got "lots"\n')
  })
})

describe('bytes that never form an SSE event', () => {
  test('random bytes as text/event-stream: an error event, not an empty success', async () => {
    const body = await (await run(mc, 'fetch', { path: '/sse/garbage?bytes=65536' })).text()
    expect(errorEventOf(body)).toMatch(/^upstream GET http:\/\/127\.0\.0\.1:\d+\/sse\/garbage sent 65536 bytes of text\/event-stream but no event/)
  })

  test('an HTML page served as text/event-stream: the error shows its start', async () => {
    const page = '<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>\n'
    const body = await (await run(mc, 'fetch', { path: `/sse?chunks=${encodeURIComponent(JSON.stringify([page]))}` })).text()
    expect(errorEventOf(body)).toBe(
      `upstream GET ${upstream.url}/sse sent ${page.length} bytes of text/event-stream but no event: <html><head><title>502 Bad Gateway</title></head> <body>nginx</body></html> (component fetch)`,
    )
  })

  test('a final event lacking its blank line is delivered, not dropped', async () => {
    const chunks = ['data: one\n\n', 'data: two\ndata: lines']
    const body = (await (await run(mc, 'fetch', { path: `/sse?chunks=${encodeURIComponent(JSON.stringify(chunks))}` })).text()).replace(/^id: .*\n/gm, '')
    expect(body).toBe('data: one\n\ndata: two\ndata: lines\n\n')
  })
})

describe('an SSE body without stream_format: each event is one message, as model-compose reads it', () => {
  const chunks = ['data: {"a": 1}\n\n', ': a comment\n\n', 'event: note\ndata: line1\ndata: line2\n\n', 'data: [DONE]\n\n']
  const path = `/sse?chunks=${encodeURIComponent(JSON.stringify(chunks))}`

  test('streamed: one SSE event per upstream event', async () => {
    expect((await (await run(mc, 'fetch', { path })).text()).replace(/^id: .*\n/gm, '')).toBe('data: {"a": 1}\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n')
  })

  test('read whole by a later template: a list of the payloads, not one glued string', async () => {
    expect(await (await run(mc, 'listed', { path })).json()).toEqual({ events: ['{"a": 1}', 'line1\nline2', '[DONE]'] })
  })

  test('mc run prints one payload per line', async () => {
    const result = await runMc(['-f', 'compose.yml', 'run', 'fetch', '-i', JSON.stringify({ path })], { cwd: dir, env: { U: upstream.url } })
    expect(result.stderr).toBe('')
    expect(result.stdout).toBe('{"a": 1}\nline1\nline2\n[DONE]\n')
  })
})

describe('Retry-After', () => {
  test('longer than the action timeout: fails at once, naming both', async () => {
    const started = performance.now()
    const response = await run(mc, 'rate-limited', { retry_after: 3600, key: 'retry-3600' }, AbortSignal.timeout(10_000))
    expect(performance.now() - started).toBeLessThan(5000)
    expect(response.status).toBe(502)
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /^upstream POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 429 Too Many Requests and asked to retry after 3600 s, longer than the action's timeout \(60 s\)/,
    )
    expect(upstream.stats('retry-3600').requests).toBe(1)
  })

  test('within the timeout: waited out, then the answer streams', async () => {
    const started = performance.now()
    const body = await (await run(mc, 'rate-limited', { retry_after: 1, key: 'retry-1' })).text()
    expect(performance.now() - started).toBeGreaterThan(900)
    expect(body).toContain('data: [DONE]\n\n')
    expect(upstream.stats('retry-1').requests).toBe(2)
  })
})

describe('a whole body over MC_MAX_RESPONSE_BYTES (set to 1 MiB with -e)', () => {
  test('declared by Content-Length: 502 naming the limit', async () => {
    const response = await run(mc, 'fetch', { path: `/big?bytes=${3 * MiB}` })
    expect(response.status).toBe(502)
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /^upstream GET http:\/\/127\.0\.0\.1:\d+\/big answered with a body larger than 1 MiB, the most mc reads whole \(MC_MAX_RESPONSE_BYTES\)/,
    )
  })

  test('found while reading a body of unknown length: 502 naming the limit', async () => {
    const response = await run(mc, 'fetch', { path: '/bulk?chunk_bytes=65536&count=48&key=bulk-whole' })
    expect(response.status).toBe(502)
    expect(((await response.json()) as { detail: string }).detail).toMatch(/\/bulk answered with a body larger than 1 MiB.*MC_MAX_RESPONSE_BYTES/)
  })
})
