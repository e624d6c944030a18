// The mcp-server adapter with `transport: stdio`, as a desktop MCP client uses
// it: the client starts `mc up -f FILE` and speaks MCP on its stdin/stdout.
// Nothing but MCP messages may reach stdout (the SDK client would fail to
// parse anything else); mc's log goes to stderr; mc ends when the client does.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { composeDir } from '../support/mc.ts'
import { stdioClient } from '../support/mcp-clients.ts'
import { RED_DOT_PNG } from '../support/mcp-sdk-server.ts'
import { alive } from '../support/processes.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const compose = (u: string) => `
controller:
  adapter:
    type: mcp-server
    transport: stdio

workflows:
  - id: shout
    description: Shouts the word.
    output: \${output as text}
    jobs:
      - component: shout
  - id: dot
    description: A red dot.
    output: \${output as image/png;base64}
    jobs:
      - component: dot
  - id: chat
    output: \${output as text;sse-text}
    jobs:
      - component: openai

components:
  - id: shout
    type: shell
    # Writes to its own stdout (captured) and stderr: neither may reach mc's stdout.
    command: [sh, -c, "echo noise >&2; printf %s \\"\$1\\" | tr a-z A-Z", sh, "\${input.word as text @(required true)}"]
    output: \${stdout}
  - id: dot
    type: shell
    command: [printf, "%s", "${RED_DOT_PNG}"]
    output: \${stdout}
  - id: openai
    type: http-client
    endpoint: ${u}/v1/chat/completions?gate=1&key=stdio
    body:
      messages: [{ role: user, content: "\${input.prompt as text}" }]
      stream: true
    stream_format: json
    output: \${response[].choices[0].delta.content}
`

let upstream: Upstream
let session: Awaited<ReturnType<typeof stdioClient>>
const errors: Error[] = []

beforeAll(async () => {
  upstream = startUpstream()
  const dir = composeDir({ 'compose.yml': compose(upstream.url) })
  session = await stdioClient(dir, 'compose.yml')
  // A line on stdout that is not an MCP message would surface here.
  session.client.onerror = (error) => errors.push(error)
})
afterAll(async () => {
  await session?.client.close()
  upstream?.stop()
})

test('the client lists and calls the workflows over stdio; mc logs to stderr only', async () => {
  const { tools } = await session.client.listTools()
  expect(tools.map((t) => t.name)).toEqual(['shout', 'dot', 'chat'])
  expect(tools[0]!.inputSchema).toEqual({ type: 'object', properties: { word: { type: 'string' } }, required: ['word'] })
  expect(await session.client.callTool({ name: 'shout', arguments: { word: 'quiet' } })).toEqual({ content: [{ type: 'text', text: 'QUIET' }] })
  const bad = await session.client.callTool({ name: 'shout', arguments: {} })
  expect(bad.isError).toBe(true)
  expect(session.stderr()).toContain('MCP server on stdin/stdout (tools: shout, dot, chat)')
  expect(errors).toEqual([])
})

test('an image output is an image block (base64, its mime type from the declared subtype)', async () => {
  expect(await session.client.callTool({ name: 'dot', arguments: {} })).toEqual({ content: [{ type: 'image', data: RED_DOT_PNG, mimeType: 'image/png' }] })
})

test('a streamed workflow sends progress notifications over stdio before its result', async () => {
  const messages: string[] = []
  let done = false
  let seenWhileRunning = false
  upstream.release('stdio')
  upstream.release('stdio')
  const result = await session.client
    .callTool({ name: 'chat', arguments: { prompt: 'over a pipe' } }, undefined, {
      onprogress: (progress) => {
        messages.push(progress.message ?? '')
        if (messages.filter(Boolean).length === 1) seenWhileRunning = !done
        upstream.release('stdio')
      },
    })
    .finally(() => (done = true))
  expect(seenWhileRunning).toBe(true)
  expect(messages.filter(Boolean)).toEqual(['You', ' said:', ' over', ' a', ' pipe'])
  expect(result).toEqual({ content: [{ type: 'text', text: 'You said: over a pipe' }] })
  expect(errors).toEqual([])
})

test('mc exits once its client closes the connection', async () => {
  const dir = composeDir({ 'compose.yml': compose(upstream.url) })
  const other = await stdioClient(dir, 'compose.yml')
  const pid = other.transport.pid!
  await other.client.close()
  while (alive(pid)) await Bun.sleep(20)
  expect(alive(pid)).toBe(false)
})
