// The MCP server's bounds against clients that take too much: sessions at
// once (MC_MCP_MAX_SESSIONS: 503 past it), a session left quiet
// (MC_MCP_SESSION_IDLE_SECONDS: closed, its id then unknown: 404), tool calls
// at once in one session (MC_MCP_CALLS_PER_SESSION: a busy tool error).
import { afterAll, beforeAll, expect, test } from 'bun:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, MC } from '../support/mc.ts'
import { httpClient, logged } from '../support/mcp-clients.ts'

const compose = (port: number) => `
controller:
  adapter: { type: mcp-server, port: ${port}, base_path: /mcp }
workflows:
  - id: hold
    jobs:
      - component: hold
components:
  - id: hold
    type: shell
    command: [sh, -c, "touch \${input.flag}; exec sleep 60"]
`

let proc: ReturnType<typeof Bun.spawn>
let url: string
let logs = ''
const clients: Client[] = []

beforeAll(async () => {
  const port = freePort()
  url = `http://127.0.0.1:${port}/mcp`
  const env = { ...process.env, MC_MCP_MAX_SESSIONS: '2', MC_MCP_CALLS_PER_SESSION: '1', MC_MCP_SESSION_IDLE_SECONDS: '1' }
  proc = Bun.spawn([...MC, 'up', '-f', 'compose.yml'], { cwd: composeDir({ 'compose.yml': compose(port) }), env, stdout: 'ignore', stderr: 'pipe' })
  void (async () => {
    for await (const chunk of proc.stderr as ReadableStream<Uint8Array>) logs += new TextDecoder().decode(chunk)
  })()
  await logged(() => logs, 'MCP server on')
})
afterAll(async () => {
  await Promise.allSettled(clients.map((c) => c.close()))
  proc?.kill('SIGTERM')
  await proc?.exited
})

const initialize = () =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
  })

test('one session runs one call at a time here: a second is a busy tool error; ending the session ends the first', async () => {
  const client = await httpClient(url)
  clients.push(client)
  const flag = join(composeDir({}), 'started')
  const holding = client.callTool({ name: 'hold', arguments: { flag } }).catch((e: Error) => e)
  while (!existsSync(flag)) await Bun.sleep(20)
  const second = await client.callTool({ name: 'hold', arguments: { flag: `${flag}-2` } })
  expect(second).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining('MC_MCP_CALLS_PER_SESSION') }] })
  // Ending the session (DELETE) ends the held call, and frees its place.
  await (client.transport as StreamableHTTPClientTransport).terminateSession()
  await client.close()
  expect(await holding).toBeInstanceOf(Error)
})

test('past MC_MCP_MAX_SESSIONS a new session is refused 503; a quiet one is closed, and its id then answers 404', async () => {
  const first = await initialize()
  expect(first.status).toBe(200)
  const session = first.headers.get('mcp-session-id')!
  await first.body?.cancel()
  const second = await initialize()
  expect(second.status).toBe(200)
  await second.body?.cancel()
  const third = await initialize()
  expect(third.status).toBe(503)
  expect(((await third.json()) as { detail: string }).detail).toContain('MC_MCP_MAX_SESSIONS')
  const ping = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    })
  // Once the quiet sessions are closed (the older first), there is room again; nothing touched the first one meanwhile.
  let again = await initialize()
  while (again.status === 503) {
    await Bun.sleep(100)
    again = await initialize()
  }
  await again.body?.cancel()
  const answer = await ping()
  expect(answer.status).toBe(404)
  expect(((await answer.json()) as { error: { message: string } }).error.message).toContain('initialize a new one')
})
