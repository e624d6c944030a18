// Named API keys on the MCP server's Streamable HTTP endpoint, as the official
// MCP SDK client sees them: a named key opens it; a key's runs count against
// its concurrent_runs across entry points (a tool call in progress holds the
// key's place on the HTTP API too) and a call past it is a tool error; its
// requests per minute are counted there as on the HTTP API.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { McProcess } from '../support/mc.ts'
import { httpAndMcpController, httpClient, startMcServingMcp } from '../support/mcp-clients.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const BOB = 'bob-mcp-key-6a0f2e9d13'
const ALICE = 'alice-mcp-key-c81b7e4a02'

const compose = (u: string, httpPort: number, mcpPort: number) => `${httpAndMcpController(httpPort, mcpPort)}
workflows:
  - id: held
    description: Streams what the upstream sends, as it lets it.
    output: \${output as text;sse-text}
    jobs:
      - component: gated
components:
  - id: gated
    type: http-client
    endpoint: ${u}/text
    params:
      gate: 1
      key: \${input.key as text}
      chunks: '["first ","second"]'
    stream_format: text
    output: \${response}
`

let upstream: Upstream
let mc: McProcess
let mcpUrl: string
let bob: Client

beforeAll(async () => {
  upstream = startUpstream()
  const started = await startMcServingMcp((httpPort, mcpPort) => compose(upstream.url, httpPort, mcpPort), {}, { keyFile: `bob: { key: ${BOB}, concurrent_runs: 1 }\nalice: { key: ${ALICE}, requests_per_minute: 4 }\n` })
  mc = started.mc
  mcpUrl = `http://127.0.0.1:${started.mcpPort}/mcp`
  bob = await httpClient(mcpUrl, { Authorization: `Bearer ${BOB}` })
})
afterAll(async () => {
  await bob?.close()
  await mc?.stop()
  upstream?.stop()
})

test("a tool call in progress holds its key's place: a second one, over MCP or HTTP, is refused", async () => {
  const first = bob.callTool({ name: 'held', arguments: { key: 'mcp-1' } })
  for (let i = 0; i < 200 && upstream.stats('mcp-1').requests === 0; i++) await Bun.sleep(10)
  expect(upstream.stats('mcp-1').requests).toBe(1)
  const second = await bob.callTool({ name: 'held', arguments: { key: 'mcp-2' } })
  expect(second.isError).toBe(true)
  expect(JSON.stringify(second.content)).toContain('API key \\"bob\\" has 1 runs in progress, its limit (concurrent_runs)')
  const overHttp = await fetch(`${mc.api}/workflows/runs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BOB}`, 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: 'held', input: { key: 'http-1' }, output_only: true }),
  })
  expect(overHttp.status).toBe(429)
  expect(upstream.stats('mcp-2').requests + upstream.stats('http-1').requests).toBe(0)
  upstream.release('mcp-1')
  const done = await first
  expect(done.isError).toBeFalsy()
  expect(JSON.stringify(done.content)).toContain('first second')
})

test('requests per minute count on the MCP endpoint too: past them, 429 with Retry-After', async () => {
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }
  const post = () =>
    fetch(mcpUrl, { method: 'POST', headers: { authorization: `Bearer ${ALICE}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) {
    const response = await post()
    statuses.push(response.status)
    if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    await response.body?.cancel()
  }
  expect(statuses).toEqual([200, 200, 200, 200, 429])
  expect(mc.logs()).toContain('API key "alice" is past its 4 requests per minute')
  expect(mc.logs()).not.toContain(ALICE)
  expect(mc.logs()).not.toContain(BOB)
})
