// mcp-client against a real MCP server made with the official SDK
// (test/support/mcp-sdk-server.ts, Streamable HTTP, in this test process so the
// test can see what the server saw): tool calls and their results as
// `${response}`, headers, one session reused, cancellation, isError, bounds.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../../support/mc.ts'
import { RED_DOT_PNG, startMcpSdkServer, type McpSdkServer } from '../../support/mcp-sdk-server.ts'

const SECRET = 'mcp-secret-token-4711'

function compose(port: number, url: string, deadUrl: string, silentUrl: string) {
  return `
controller:
  port: ${port}

components:
  - id: tools
    type: mcp-client
    url: ${url}
    headers:
      Authorization: Bearer \${env.MCP_TOKEN}
    actions:
      - id: echo
        tool: echo
        arguments:
          text: \${input.text}
        headers:
          X-Team: \${input.team | core}
        output: \${response[0]}
      - id: add
        tool: add
        arguments:
          a: \${input.a as number}
          b: \${input.b as number}
      - id: slow
        tool: slow
        arguments:
          seconds: \${input.seconds as number}
      - id: slow-timeout
        tool: slow
        timeout: 300ms
        arguments:
          seconds: 5
      - id: fail
        tool: fail
        arguments:
          reason: \${input.reason}
      - id: image
        tool: image
      - id: big
        tool: big
        arguments:
          bytes: \${input.bytes as integer}
  - id: dead
    type: mcp-client
    url: ${deadUrl}
    action:
      tool: echo
      arguments:
        text: hello

  - id: silent
    type: mcp-client
    url: ${silentUrl}
    connect_timeout: 300ms
    action:
      tool: echo

workflows:
${['echo', 'add', 'slow', 'slow-timeout', 'fail', 'image', 'big'].map((action) => `  - id: ${action}\n    component: tools\n    action: ${action}`).join('\n')}
  - id: dead
    component: dead
  - id: silent
    component: silent
`
}

let server: McpSdkServer
let mc: McProcess
/** Accepts connections and never answers. */
let silent: ReturnType<typeof Bun.serve>

const run = (workflow_id: string, input: Record<string, unknown> = {}, signal?: AbortSignal) =>
  fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id, input, output_only: true }),
    ...(signal ? { signal } : {}),
  })

beforeAll(async () => {
  server = startMcpSdkServer()
  silent = Bun.serve({ hostname: '127.0.0.1', port: 0, idleTimeout: 0, fetch: () => new Promise<Response>(() => {}) })
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port, server.url, `http://127.0.0.1:${freePort()}/mcp`, `http://127.0.0.1:${silent.port}/mcp`) }), [], port, { MCP_TOKEN: SECRET, MC_MAX_RESPONSE_BYTES: '64KiB' })
})

afterAll(async () => {
  await mc?.stop()
  await server?.stop()
  await silent?.stop(true)
})

describe('mcp-client', () => {
  test('calls a tool: its text content is the output, and the headers reach the server', async () => {
    const response = await run('echo', { text: 'hello MCP', team: 'blue' })
    expect(response.status).toBe(200)
    expect(await response.json()).toBe('hello MCP')
    const call = server.events.calls.find((c) => c.tool === 'echo')!
    expect(call.headers.authorization).toBe(`Bearer ${SECRET}`) // the component's headers
    expect(call.headers['x-team']).toBe('blue') // the action's own, rendered from the input
  })

  test('${response} is the list of content blocks as values: text, and an image as its base64 data', async () => {
    expect(await (await run('add', { a: 2, b: 40 })).json()).toEqual(['42'])
    expect(await (await run('image')).json()).toEqual([RED_DOT_PNG, 'a red dot'])
  })

  test('runs share one session', async () => {
    const before = server.events.sessions
    for (const text of ['one', 'two', 'three']) expect(await (await run('echo', { text })).json()).toBe(text)
    expect(server.events.sessions).toBe(before) // no new initialize handshake
    expect(before).toBe(1)
  })

  test('a tool result marked isError answers 502 with the tool\'s text', async () => {
    const response = await run('fail', { reason: 'the disk is full' })
    expect(response.status).toBe(502)
    const detail = ((await response.json()) as { detail: string }).detail
    expect(detail).toContain('tool "fail" failed: the disk is full')
  })

  test('a client that goes away cancels the tool call on the server', async () => {
    const abort = new AbortController()
    const pending = run('slow', { seconds: 10 }, abort.signal).catch(() => undefined)
    const deadline = Date.now() + 5000
    while (!server.events.calls.some((c) => c.tool === 'slow') && Date.now() < deadline) await Bun.sleep(20)
    abort.abort()
    await pending
    while (!server.events.cancelled.includes('slow') && Date.now() < deadline) await Bun.sleep(20)
    expect(server.events.cancelled).toEqual(['slow']) // the tool saw its abort signal (notifications/cancelled)
    expect(await (await run('echo', { text: 'still here' })).json()).toBe('still here')
  })

  test('a call longer than its timeout answers 504 and is cancelled on the server', async () => {
    const response = await run('slow-timeout')
    expect(response.status).toBe(504)
    expect(((await response.json()) as { detail: string }).detail).toContain('tool "slow" did not answer within 0.3 s')
    const deadline = Date.now() + 3000
    while (server.events.cancelled.length < 2 && Date.now() < deadline) await Bun.sleep(20)
    expect(server.events.cancelled).toEqual(['slow', 'slow'])
  })

  test('an answer past MC_MAX_RESPONSE_BYTES answers 502 saying how to raise it', async () => {
    expect(await (await run('big', { bytes: 1000 })).json()).toEqual(['x'.repeat(1000)])
    const response = await run('big', { bytes: 200_000 })
    expect(response.status).toBe(502)
    const detail = ((await response.json()) as { detail: string }).detail
    expect(detail).toContain('answered with more than 64 KiB')
    expect(detail).toContain('MC_MAX_RESPONSE_BYTES=256KiB')
    expect(await (await run('add', { a: 1, b: 1 })).json()).toEqual(['2']) // and the next call works
  })

  test('a server nobody listens on: one clear 502 line', async () => {
    const response = await run('dead')
    expect(response.status).toBe(502)
    const detail = ((await response.json()) as { detail: string }).detail
    expect(detail).toMatch(/^MCP server http:\/\/127\.0\.0\.1:\d+\/mcp: cannot connect: /)
    expect(detail).not.toContain('\n')
  })

  test('a server that never answers the handshake: 504 after connect_timeout', async () => {
    const response = await run('silent')
    expect(response.status).toBe(504)
    expect(((await response.json()) as { detail: string }).detail).toMatch(/^MCP server http:\/\/127\.0\.0\.1:\d+\/mcp did not finish connecting within 0\.3 s \(component silent\)$/)
  })

  test('a server that restarted (and forgot the session): the next call connects again and succeeds', async () => {
    const port = server.port
    await server.stop()
    expect((await run('echo', { text: 'nobody there' })).status).toBe(502)
    server = startMcpSdkServer({ port })
    expect(await (await run('echo', { text: 'back' })).json()).toBe('back')
    expect(server.events.sessions).toBe(1)
  })

  test('the token never reaches the logs', () => {
    expect(mc.logs()).not.toContain(SECRET)
  })
})

test('a URL that is not http(s) is a load error at its line', async () => {
  const dir = composeDir({ 'compose.yml': 'component:\n  type: mcp-client\n  url: stdio://server.py\n  action:\n    tool: echo\n' })
  expect((await runMc(['validate'], { cwd: dir })).stderr).toBe(
    'mc | error: compose.yml:3:8: component.url: expected an http:// or https:// URL: mc, like model-compose, reaches MCP servers over Streamable HTTP\n',
  )
})
