// A client that calls a streamed workflow as an MCP tool and then reads
// nothing: the SDK's transport queues every progress notification, so mc
// holds at most MC_MCP_UNREAD_BYTES of the answer unread; past that the call
// is cancelled, as if the client had left, instead of growing mc's memory.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { until } from '../support/task-streams.ts'
import { httpAndMcpController, startMcServingMcp } from '../support/mcp-clients.ts'
import type { McProcess } from '../support/mc.ts'

// ~100 MB of lines if nothing stops it: the run completes only if nobody cancels it.
const compose = (httpPort: number, mcpPort: number) => `${httpAndMcpController(httpPort, mcpPort)}
workflows:
  - id: flood
    output: \${output as text;sse-text}
    jobs:
      - component: flood
components:
  - id: flood
    type: shell
    command: [sh, -c, "yes 0123456789012345678901234567890123456789012345678901234567890123456789 | head -c 100000000"]
    streaming: true
`

let mc: McProcess
let url: string
beforeAll(async () => {
  const started = await startMcServingMcp(compose, { MC_MCP_UNREAD_BYTES: '1MiB' })
  mc = started.mc
  url = `http://127.0.0.1:${started.mcpPort}/mcp`
})
afterAll(async () => {
  await mc?.stop()
})

const post = (body: unknown, session?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18', ...(session ? { 'mcp-session-id': session } : {}) },
    body: JSON.stringify(body),
  })

test('a tool call whose answer is left unread past MC_MCP_UNREAD_BYTES is cancelled; mc keeps serving', async () => {
  const init = await post({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'slow', version: '1' } } })
  const session = init.headers.get('mcp-session-id')!
  await init.text()
  await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session)).text()

  const call = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'flood', arguments: {}, _meta: { progressToken: 'p' } } }, session)
  expect(call.status).toBe(200)
  // Nothing of `call.body` is read. The run is cancelled once 1 MiB waits.
  await until('the run log says the call was cancelled', async () => /run flood \(task \w+\) cancelled/.test(mc.logs()), 20_000)
  expect(mc.logs()).not.toMatch(/run flood \(task \w+\) completed/)
  await call.body?.cancel()

  // The session goes on.
  const again = await post({ jsonrpc: '2.0', id: 3, method: 'tools/list' }, session)
  expect(await again.text()).toContain('"flood"')
})
