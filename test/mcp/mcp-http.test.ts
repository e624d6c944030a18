// The mcp-server adapter over Streamable HTTP, beside the http-server adapter
// in one `mc up`, with MC_API_KEY set, as the official MCP SDK client sees it:
// the workflows listed as tools, called (text, JSON), a streamed workflow's
// chunks arriving as progress notifications while it runs, input errors as
// tool errors, the key required, a cancelled call stopping its shell command.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, type McProcess } from '../support/mc.ts'
import { httpAndMcpController, httpClient, startMcServingMcp } from '../support/mcp-clients.ts'
import { alive } from '../support/processes.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const KEY = 'mcp-test-key-3141'
const AUTH = { Authorization: `Bearer ${KEY}` }

const compose = (u: string, httpPort: number, mcpPort: number) => `${httpAndMcpController(httpPort, mcpPort)}

workflows:
  - id: echo
    title: Echo
    description: Says the word back.
    output: \${output as text}
    jobs:
      - component: shell-echo
  - id: facts
    description: Facts about a word.
    output:
      word: \${input.word as text @(description The word)}
      count: \${input.count as integer | 3 @(description How many)}
    jobs:
      - component: nothing
  - id: chat
    description: Streams an answer.
    output: \${output as text;sse-text}
    jobs:
      - component: openai
  - id: sleeper
    jobs:
      - component: sleeper
  - id: inner
    private: true
    jobs:
      - component: shell-echo

components:
  - id: shell-echo
    type: shell
    command: [printf, "%s", "\${input.word as text @(required true) @(description The word to say)}"]
    output: \${stdout}
  - id: openai
    type: http-client
    endpoint: ${u}/v1/chat/completions?gate=1&key=\${input.key}
    body:
      messages: [{ role: user, content: "\${input.prompt as text}" }]
      stream: true
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: nothing
    type: shell
    command: ["true"]
  - id: sleeper
    type: shell
    command: [sh, -c, "echo $$ > \${input.pidfile}; exec sleep 60"]
`

let upstream: Upstream
let mc: McProcess
let mcpUrl: string
let client: Client

beforeAll(async () => {
  upstream = startUpstream()
  const started = await startMcServingMcp((httpPort, mcpPort) => compose(upstream.url, httpPort, mcpPort), { MC_API_KEY: KEY })
  mc = started.mc
  mcpUrl = `http://127.0.0.1:${started.mcpPort}/mcp`
  client = await httpClient(mcpUrl, AUTH)
})
afterAll(async () => {
  await client?.close()
  await mc?.stop()
  upstream?.stop()
})

describe('tools', () => {
  test('every workflow but the private one is a tool: its name, title, description with Args and Returns, input schema', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['chat', 'echo', 'facts', 'sleeper'])
    const echo = tools.find((t) => t.name === 'echo')!
    expect(echo.title).toBe('Echo')
    expect(echo.description).toBe('Says the word back.\n\nArgs:\n    word (text): The word to say\n\nReturns:\n    output (text): ')
    expect(echo.inputSchema).toEqual({ type: 'object', properties: { word: { type: 'string', description: 'The word to say' } }, required: ['word'] })
    const facts = tools.find((t) => t.name === 'facts')!
    expect(facts.inputSchema.properties).toEqual({ word: { type: 'string', description: 'The word' }, count: { type: 'integer', description: 'How many', default: 3 } })
    expect(facts.description).toContain('Returns:\n    word (text): The word\n    count (integer): How many')
  })

  test('a call answers the output: text as text, several keys as their JSON', async () => {
    expect(await client.callTool({ name: 'echo', arguments: { word: 'hello' } })).toEqual({ content: [{ type: 'text', text: 'hello' }] })
    expect(await client.callTool({ name: 'facts', arguments: { word: 'owl', count: 2 } })).toEqual({ content: [{ type: 'text', text: '{"word":"owl","count":2}' }] })
  })

  test('bad input is a tool error naming the field; so is an unknown tool', async () => {
    const missing = await client.callTool({ name: 'echo', arguments: {} })
    expect(missing.isError).toBe(true)
    expect((missing.content as { text: string }[])[0]!.text).toContain('word')
    const wrong = await client.callTool({ name: 'facts', arguments: { word: 'owl', count: 'many' } })
    expect(wrong.isError).toBe(true)
    expect((wrong.content as { text: string }[])[0]!.text).toContain('count')
    const unknown = await client.callTool({ name: 'nope', arguments: {} })
    expect(unknown).toMatchObject({ isError: true, content: [{ type: 'text', text: 'unknown tool "nope" (tools: echo, facts, chat, sleeper)' }] })
  })
})

test("a streamed workflow's chunks arrive as progress notifications while it runs; the result is the whole output", async () => {
  const messages: string[] = []
  let done = false
  // The upstream holds each write after its first until released (gate=1); two go now (the role event's
  // successor and one more), then one per progress notification, so the run is always one step ahead.
  upstream.release('progress')
  upstream.release('progress')
  let seenWhileRunning = false
  const call = client
    .callTool({ name: 'chat', arguments: { prompt: 'one two three', key: 'progress' } }, undefined, {
      onprogress: (progress) => {
        messages.push(progress.message ?? '')
        if (messages.length === 1) seenWhileRunning = !done
        upstream.release('progress')
      },
    })
    .finally(() => (done = true))
  const result = await call
  expect(seenWhileRunning).toBe(true)
  expect(messages.join('')).toBe('You said: one two three')
  expect(messages.filter(Boolean)).toEqual(['You', ' said:', ' one', ' two', ' three'])
  expect(result).toEqual({ content: [{ type: 'text', text: 'You said: one two three' }] })
})

test('a call the client cancels stops its run: the shell command is killed', async () => {
  const pidfile = join(composeDir({}), 'pid')
  const abort = new AbortController()
  const call = client.callTool({ name: 'sleeper', arguments: { pidfile } }, undefined, { signal: abort.signal }).catch((e: Error) => e)
  while (!existsSync(pidfile) || !readFileSync(pidfile, 'utf8').trim()) await Bun.sleep(20)
  const pid = Number(readFileSync(pidfile, 'utf8'))
  expect(alive(pid)).toBe(true)
  abort.abort('changed my mind')
  expect(await call).toBeInstanceOf(Error)
  while (alive(pid)) await Bun.sleep(20)
  expect(alive(pid)).toBe(false)
  // The session serves on.
  expect(await client.callTool({ name: 'echo', arguments: { word: 'still here' } })).toEqual({ content: [{ type: 'text', text: 'still here' }] })
})

describe('MC_API_KEY', () => {
  test('without the key the MCP endpoint answers 401, and the SDK client cannot connect', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }
    const response = await fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify(init) })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ detail: 'missing API key: send "Authorization: Bearer <key>" (the value of MC_API_KEY)' })
    await expect(httpClient(mcpUrl, { Authorization: 'Bearer wrong' })).rejects.toThrow()
  })

  test('the HTTP API beside it serves on its own port, with the same key', async () => {
    const response = await fetch(`${mc.api}/workflows`, { headers: AUTH })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { workflow_id: string }[]).map((w) => w.workflow_id)).toContain('chat')
    expect((await fetch(`${mc.api}/workflows`)).status).toBe(401)
  })
})

test('a body over MC_MAX_BODY_BYTES is refused 413, naming the limit, before anything runs', async () => {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'echo', arguments: { word: 'x'.repeat(17 * 1024 * 1024) } } })
  const response = await fetch(mcpUrl, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body })
  expect(response.status).toBe(413)
  expect(((await response.json()) as { detail: string }).detail).toContain('MC_MAX_BODY_BYTES')
})
