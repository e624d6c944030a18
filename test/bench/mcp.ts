// `bun run bench` (MCP part): the time mc adds to one MCP tool call. The same
// work — a chat completion asked of the local upstream, its text answered —
// is called with the official SDK client over Streamable HTTP, as mc's
// mcp-server adapter serves it (a workflow with an http-client job, run as a
// task) and as the SDK's own server serves it (mcp-sdk-direct.ts: McpServer
// with a tool calling fetch). Each in a process of its own; calls one at a
// time, alternating, so the machine's drift hits both alike.

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { join } from 'node:path'
import { startUpstreamProcess } from '../support/bench-processes.ts'
import { composeDir, freePort, MC, waitForHttp } from '../support/mc.ts'

const CALLS = Number(process.env.BENCH_MCP_CALLS ?? 400)
const WARM_UP = 50

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * p)]!
const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const upstream = await startUpstreamProcess()

// The SDK's own server.
const sdkPort = freePort()
const sdk = Bun.spawn([process.execPath, join(import.meta.dir, 'mcp-sdk-direct.ts'), String(sdkPort), upstream.url], { stdout: 'ignore', stderr: 'inherit' })
// Both answer a GET without a session 400: they are up.
await waitForHttp(`http://127.0.0.1:${sdkPort}/`, sdk)

// mc, serving MCP only.
const mcpPort = freePort()
const dir = composeDir({
  'compose.yml': `
controller:
  adapter:
    type: mcp-server
    port: ${mcpPort}
    base_path: /mcp
workflows:
  - id: ask
    output: \${output as text}
    jobs:
      - component: chat
components:
  - id: chat
    type: http-client
    endpoint: ${upstream.url}/v1/chat/completions
    body:
      messages: [{ role: user, content: "\${input.prompt as text}" }]
    output: \${response.choices[0].message.content}
`,
})
const mc = Bun.spawn([...MC, 'up'], { cwd: dir, stdout: 'ignore', stderr: 'ignore' })
await waitForHttp(`http://127.0.0.1:${mcpPort}/mcp`, mc)

async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(url)))
  return client
}
const viaSdk = await connect(`http://127.0.0.1:${sdkPort}/`)
const viaMc = await connect(`http://127.0.0.1:${mcpPort}/mcp`)

async function timedCall(client: Client): Promise<number> {
  const started = performance.now()
  const result = await client.callTool({ name: 'ask', arguments: { prompt: 'hello there' } })
  const elapsed = performance.now() - started
  const text = (result.content as { text?: string }[])[0]?.text
  if (text !== 'You said: hello there') throw new Error(`unexpected answer: ${JSON.stringify(result)}`)
  return elapsed
}

for (let i = 0; i < WARM_UP; i++) {
  await timedCall(viaSdk)
  await timedCall(viaMc)
}
const sdkTimes: number[] = []
const mcTimes: number[] = []
for (let i = 0; i < CALLS; i++) {
  sdkTimes.push(await timedCall(viaSdk))
  mcTimes.push(await timedCall(viaMc))
}
const added = median(mcTimes.map((t, i) => t - sdkTimes[i]!))
const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`)
line(`MCP tool call, SDK's own server: median / p90`, `${fmt(median(sdkTimes))} ms / ${fmt(percentile(sdkTimes, 0.9))} ms (${CALLS} calls)`)
line(`MCP tool call through mc (a task): median / p90`, `${fmt(median(mcTimes))} ms / ${fmt(percentile(mcTimes, 0.9))} ms`)
line(`MCP: time mc adds per tool call`, `${fmt(added)} ms (median of per-pair differences)`)

await Promise.all([viaSdk.close(), viaMc.close()])
for (const proc of [mc, sdk, upstream.proc]) proc.kill('SIGTERM')
await Promise.all([mc.exited, sdk.exited, upstream.proc.exited])
