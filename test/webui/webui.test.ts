// The Web UI sidecar: the official Gradio client (@gradio/client) calls each
// workflow by name and receives streamed text as it grows; driver: static
// serves a folder.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Client } from '@gradio/client'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
let ui: string

const compose = (port: number, uiPort: number, u: string) => `
controller:
  port: ${port}
  webui:
    port: ${uiPort}

workflows:
  - id: chat
    title: Streaming Chat
    description: Answers word by word.
    output: \${output as text;sse-text}
    jobs:
      - component: chat
  - id: items
    title: Items
    output: \${output as json;sse-json}
    jobs:
      - component: items
  - id: greet
    title: Greeting
    output: { greeting: "Hello \${input.name @(required true)}", times: "\${input.times as integer | 1}" }
    jobs:
      - component: nothing
  - id: broken
    output: \${output as text;sse-text}
    jobs:
      - component: broken
  - id: slow
    output: \${output as text;sse-text}
    jobs:
      - component: slow

components:
  - id: chat
    type: http-client
    endpoint: ${u}/v1/chat/completions?delay_ms=60
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt as text @(description What to say)}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: items
    type: http-client
    endpoint: ${u}/ndjson?text=a%20b%20c&delay_ms=30
    stream_format: json
    output: \${response[]}
  - id: slow
    type: http-client
    endpoint: ${u}/v1/chat/completions?delay_ms=150&key=gradio-slow&tokens=100
    body: { stream: true }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: nothing
    type: shell
    command: [true]
  - id: broken
    type: http-client
    endpoint: ${u}/v1/chat/completions?fail=99&status=500
    body: { stream: true }
    stream_format: json
`

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  const uiPort = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port, uiPort, upstream.url) }), [], port)
  ui = `http://127.0.0.1:${uiPort}`
  for (let i = 0; i < 100 && !(await fetch(ui).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(50)
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

describe('Gradio client protocol', () => {
  test('submit on a streaming workflow receives the text as it grows', async () => {
    const client = await Client.connect(ui)
    const seen: string[] = []
    for await (const message of client.submit('/chat', { prompt: 'one two three four' })) {
      if (message.type === 'data') seen.push((message.data as string[])[0]!)
    }
    expect(seen.at(-1)).toBe('You said: one two three four')
    expect(seen.length).toBeGreaterThanOrEqual(4)
    // Each value extends the one before: the text grows in place.
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.startsWith(seen[i - 1]!)).toBe(true)
    client.close()
  })

  test('predict returns the whole answer; a JSON output and its inputs come through', async () => {
    const client = await Client.connect(ui)
    expect((await client.predict('/chat', { prompt: 'hi' })).data).toEqual(['You said: hi'])
    expect((await client.predict('/greet', { name: 'mc', times: 3 })).data).toEqual([{ greeting: 'Hello mc', times: 3 }])
    client.close()
  })

  test('sse-json appends items', async () => {
    const client = await Client.connect(ui)
    const seen: unknown[][] = []
    for await (const message of client.submit('/items', {})) if (message.type === 'data') seen.push(structuredClone((message.data as unknown[][])[0]!))
    expect(seen.at(-1)).toEqual([{ index: 0, token: 'a' }, { index: 1, token: ' b' }, { index: 2, token: ' c' }])
    expect(seen[0]).toEqual([{ index: 0, token: 'a' }])
    client.close()
  })

  test('the API description names each workflow with its parameters', async () => {
    const client = await Client.connect(ui)
    const api = (await client.view_api()) as { named_endpoints: Record<string, { parameters: { parameter_name: string; parameter_has_default: boolean }[] }> }
    expect(Object.keys(api.named_endpoints).sort()).toEqual(['/broken', '/chat', '/greet', '/items', '/slow'])
    expect(api.named_endpoints['/greet']!.parameters.map((p) => [p.parameter_name, p.parameter_has_default])).toEqual([
      ['name', false],
      ['times', true],
    ])
    // Only a read marked @(required true) is required: a missing input is null, as in model-compose.
    expect(api.named_endpoints['/chat']!.parameters.map((p) => [p.parameter_name, p.parameter_has_default])).toEqual([['prompt', true]])
    client.close()
  })

  test("job.cancel() stops the run: the upstream's stream is closed long before its end", async () => {
    const client = await Client.connect(ui)
    const job = client.submit('/slow', {})
    for await (const message of job) {
      if (message.type !== 'data') continue
      await job.cancel()
      break
    }
    for (let i = 0; i < 100 && upstream.stats('gradio-slow').cancelledAt === undefined; i++) await Bun.sleep(50)
    expect(upstream.stats('gradio-slow').cancelledAt).toBeNumber()
    expect(upstream.stats('gradio-slow').eventsSent).toBeLessThan(100)
    client.close()
  })

  test('an upstream failure reaches the client as an error, not silence', async () => {
    const client = await Client.connect(ui, { events: ['data', 'status'] })
    const statuses: { stage?: string; message?: string }[] = []
    for await (const message of client.submit('/broken', {})) if (message.type === 'status') statuses.push(message as { stage?: string; message?: string })
    expect(statuses.find((s) => s.stage === 'error')?.message).toMatch(/answered 500/)
    await expect(client.predict('/broken', {})).rejects.toMatchObject({ message: expect.stringMatching(/answered 500/) })
    client.close()
  })
})

test('driver: static serves static_dir, index.html at /, nothing outside it', async () => {
  const port = freePort()
  const uiPort = freePort()
  const dir = composeDir({
    'compose.yml': `controller:\n  port: ${port}\n  webui:\n    driver: static\n    port: ${uiPort}\n    static_dir: site\ncomponent:\n  type: shell\n  command: [echo, hi]\n`,
  })
  await Bun.write(`${dir}/site/index.html`, '<h1>my own UI</h1>')
  await Bun.write(`${dir}/site/app.js`, 'console.log(1)')
  const server = await startMc(dir, [], port)
  try {
    const base = `http://127.0.0.1:${uiPort}`
    for (let i = 0; i < 100 && !(await fetch(base).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(50)
    expect(await (await fetch(`${base}/`)).text()).toBe('<h1>my own UI</h1>')
    expect(await (await fetch(`${base}/app.js`)).text()).toBe('console.log(1)')
    expect((await fetch(`${base}/missing.js`)).status).toBe(404)
    expect((await fetch(`${base}/..%2Fcompose.yml`)).status).toBe(404)
  } finally {
    await server.stop()
  }
})
