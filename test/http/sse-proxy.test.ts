// Event streams behind a reverse proxy: mc's SSE answers say what proxies need
// not to hold events back (`X-Accel-Buffering: no`, `Cache-Control: no-cache,
// no-transform`), are never compressed, and send a `: keep-alive` comment within
// a second when the first chunk is slow to come, so the proxy (and the client)
// get the headers and a first byte at once. Driven through Debian's nginx with
// its response buffering ON and gzip on for event streams (nginx-proxy.ts): the
// upstream writes each token only when the test releases it, so a token that
// the proxy held back would never arrive.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { requirementMet } from '../support/requirements.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { NGINX, startNginxProxy, type NginxProxy } from './nginx-proxy.ts'

let upstream: Upstream
let mc: McProcess
let port: number

// Every token after the upstream's first (role-only) event waits for `upstream.release(key)`.
const compose = (p: number, u: string) => `
controller:
  port: ${p}
workflow:
  output: \${output as text;sse-text}
component:
  type: http-client
  endpoint: ${u}/v1/chat/completions?key=\${input.key}&gate=1
  body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
  stream_format: json
  output: \${response[].choices[0].delta.content}
`

beforeAll(async () => {
  upstream = startUpstream()
  port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port, upstream.url) }), [], port)
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const run = (base: string, key: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ input: { prompt: 'one two three', key }, output_only: true }) })

/** Reads until the text so far ends with `expected`; fails (naming what came) when it does not within 4 s. */
async function readUntil(reader: { read(): Promise<{ done: boolean; value?: Uint8Array }> }, seen: { text: string }, expected: string): Promise<void> {
  const decoder = new TextDecoder()
  const deadline = Date.now() + 4000
  while (!seen.text.endsWith(expected)) {
    const left = deadline - Date.now()
    const read = await Promise.race([reader.read(), Bun.sleep(Math.max(left, 0)).then(() => 'late' as const)])
    if (read === 'late' || read.done) throw new Error(`expected ${JSON.stringify(expected)} next, got ${JSON.stringify(seen.text)}${read === 'late' ? ' (nothing more came)' : ' (the stream ended)'}`)
    seen.text += decoder.decode(read.value, { stream: true })
  }
}

const TOKENS = ['You', ' said:', ' one', ' two', ' three']

/** The stream, one token at a time: each is released upstream, then must arrive before the next is. */
async function lockstep(response: Response, key: string): Promise<string> {
  const reader = response.body!.getReader()
  const seen = { text: '' }
  // Nothing released yet: the first thing to come is the keep-alive.
  await readUntil(reader, seen, ': keep-alive\n\n')
  for (const token of TOKENS) {
    upstream.release(key)
    await readUntil(reader, seen, `data: ${token}\n\n`)
  }
  upstream.release(key) // the finish event
  upstream.release(key) // [DONE]
  while (!(await reader.read()).done) {
    // the end
  }
  return seen.text
}

describe('straight to mc', () => {
  test('the headers proxies need, no compression whatever the client accepts, a keep-alive before a slow first chunk', async () => {
    const response = await run(mc.url, 'direct', { 'accept-encoding': 'gzip, deflate, br, zstd' })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(response.headers.get('content-encoding')).toBeNull()
    const text = await lockstep(response, 'direct')
    expect(text.replace(/^id: .*\n/gm, '')).toBe(`: keep-alive\n\n${TOKENS.map((t) => `data: ${t}\n\n`).join('')}`)
  })
})

describe('through nginx, response buffering on', () => {
  if (!requirementMet('nginx', existsSync(NGINX), "Debian's nginx", 'apt-get install -y nginx')) return
  let proxy: NginxProxy
  beforeAll(async () => {
    proxy = await startNginxProxy(port)
  })
  afterAll(async () => {
    await proxy?.stop()
  })

  test('the headers and the keep-alive come through before the first token; each token arrives as the upstream sends it', async () => {
    // Without the early keep-alive nginx would wait for mc's first byte (MC_SSE_KEEPALIVE_SECONDS, 15 s), and so would this fetch.
    const response = await run(proxy.url, 'nginx')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const text = await lockstep(response, 'nginx')
    expect(text.replace(/^id: .*\n/gm, '')).toBe(`: keep-alive\n\n${TOKENS.map((t) => `data: ${t}\n\n`).join('')}`)
  })
})
