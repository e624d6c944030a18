// `bun run bench`: what mc adds between an upstream and a client.
//   1. one stream, as fast as the upstream goes: chunks/s direct vs through mc, and through mc
//      with recording for resumption on vs off (MC_TASK_STREAM_BYTES=0; the bound: it costs ≤ 10%)
//   2. per-chunk latency (upstream send → client receive), p50/p99, direct vs through mc
//   3. 1,000 concurrent streams (14 chunks, 100 ms apart): completed, errors, chunks/s, latency, mc's peak RSS
//   4. 1 GiB relayed (64 KiB text chunks): throughput and mc's peak RSS
// The upstream (test/support/upstream.ts) and mc run as their own processes.

import { createParser } from 'eventsource-parser'
import { memoryOf, resetPeak } from '../support/process-memory.ts'
import { composeDir, freePort, MC, waitForHttp } from '../support/mc.ts'
import { ensureFetchRoom, startUpstreamProcess } from '../support/bench-processes.ts'
import { chatStreamComponent, sseWorkflow } from '../support/task-streams.ts'

// Room in this client's fetch for every stream at once.
await ensureFetchRoom(import.meta.path, 8192)

const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 1000)
const GIB_CHUNKS = Number(process.env.BENCH_GIB_CHUNKS ?? 16384) // × 64 KiB


const { url: upstream, proc: upstreamProc } = await startUpstreamProcess()

const composeFor = (port: number) => `
controller:
  port: ${port}
workflows:${sseWorkflow('chat')}${sseWorkflow('bulk')}
components:${chatStreamComponent('chat', `${upstream}/v1/chat/completions`, { content: 'bench', params: '{ tokens: "${input.tokens}", delay_ms: "${input.delay_ms | 0}", stamp: "${input.stamp | 0}" }' })}
  - id: bulk
    type: http-client
    endpoint: ${upstream}/bulk?chunk_bytes=65536&count=\${input.count}
    stream_format: text
    output: \${response[]}
`
const port = freePort()
const dir = composeDir({ 'compose.yml': composeFor(port) })
const api = `http://127.0.0.1:${port}/api`
async function startMc(cwd = dir, at = api, env: Record<string, string> = {}) {
  const proc = Bun.spawn([...MC, 'up'], { cwd, env: { ...process.env, ...env }, stdout: 'ignore', stderr: 'ignore' })
  await waitForHttp(`${at}/health`, proc)
  return proc
}
let mcProc = await startMc()
// The same, with streams not recorded: what recording costs is measured against it.
const unrecordedPort = freePort()
const unrecordedApi = `http://127.0.0.1:${unrecordedPort}/api`
const unrecordedProc = await startMc(composeDir({ 'compose.yml': composeFor(unrecordedPort) }), unrecordedApi, { MC_TASK_STREAM_BYTES: '0' })

/** mc's peak resident memory since the last reset, in MiB. */
const peakRss = () => memoryOf(mcProc.pid).peakMb

/** Reads an SSE response, calling `onData` with each event's data and its arrival time. */
async function readEvents(response: Response, onData: (data: string, at: number) => void): Promise<void> {
  const parser = createParser({ onEvent: (event) => onData(event.data, performance.timeOrigin + performance.now()) })
  const decoder = new TextDecoder()
  for await (const chunk of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }))
}

function direct(input: Record<string, unknown>): Promise<Response> {
  const q = new URLSearchParams(Object.entries(input).map(([k, v]) => [k, String(v)] as [string, string]))
  return fetch(`${upstream}/v1/chat/completions?${q}`, { method: 'POST', body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'bench' }] }) })
}
function relayed(workflow: string, input: Record<string, unknown>, at = api): Promise<Response> {
  return fetch(`${at}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input, output_only: true }) })
}

/** Content chunks of a direct OpenAI stream (the role-only, finish and [DONE] events are not content). */
function directContent(data: string): string | undefined {
  if (data === '[DONE]') return undefined
  const content = (JSON.parse(data) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content
  return content ? content : undefined
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const rows: [string, string][] = []
const report = (name: string, value: string) => {
  rows.push([name, value])
  console.log(`${name.padEnd(52)} ${value}`)
}

// 1. Throughput of one stream.
const TOKENS = 50_000
async function throughput(open: () => Promise<Response>, isContent: (data: string) => boolean): Promise<number> {
  let count = 0
  const started = performance.now()
  await readEvents(await open(), (data) => {
    if (isContent(data)) count++
  })
  if (count !== TOKENS) throw new Error(`expected ${TOKENS} chunks, got ${count}`)
  return count / ((performance.now() - started) / 1000)
}
// Rounds alternate between direct and relayed; the medians are reported (single runs vary by ±30% here).
const ROUNDS = 7
const directRates: number[] = []
const relayedRates: number[] = []
for (let round = 0; round < ROUNDS; round++) {
  directRates.push(await throughput(() => direct({ tokens: TOKENS }), (d) => directContent(d) !== undefined))
  relayedRates.push(await throughput(() => relayed('chat', { tokens: TOKENS }), () => true))
}
const [directRate, relayedRate] = [percentile(directRates, 50), percentile(relayedRates, 50)]
// Taken round by round (a direct run and a relayed one back to back), as the machine's speed drifts.
const ratio = percentile(relayedRates.map((r, i) => r / directRates[i]!), 50)
report(`1 stream of ${TOKENS} chunks: chunks/s direct (median of ${ROUNDS})`, fmt(directRate, 0))
report(`1 stream of ${TOKENS} chunks: chunks/s through mc`, `${fmt(relayedRate, 0)} (${fmt(ratio * 100, 0)}% of direct, median of per-round ratios)`)

// What recording the stream for resumption costs: the same stream through mc with recording on and off,
// more rounds (a few % is the difference looked for), each pair back to back, taking turns going first.
const RECORDING_ROUNDS = 21
const recordedRates: number[] = []
const unrecordedRates: number[] = []
for (let round = 0; round < RECORDING_ROUNDS; round++) {
  const on = async () => recordedRates.push(await throughput(() => relayed('chat', { tokens: TOKENS }), () => true))
  const off = async () => unrecordedRates.push(await throughput(() => relayed('chat', { tokens: TOKENS }, unrecordedApi), () => true))
  if (round % 2 === 0) await on().then(off)
  else await off().then(on)
}
unrecordedProc.kill('SIGTERM')
await unrecordedProc.exited
const recordingCost = 1 - percentile(recordedRates.map((r, i) => r / unrecordedRates[i]!), 50)
report(
  `1 stream of ${TOKENS} chunks: recording on vs off (median of ${RECORDING_ROUNDS})`,
  `${fmt(percentile(recordedRates, 50), 0)} vs ${fmt(percentile(unrecordedRates, 50), 0)} chunks/s: recording costs ${fmt(recordingCost * 100, 1)}% (bound ≤ 10%: ${recordingCost <= 0.1 ? 'met' : 'NOT met'}; median of per-round ratios)`,
)

// 2. Added latency per chunk.
async function latencies(open: () => Promise<Response>, content: (data: string) => string | undefined): Promise<number[]> {
  const out: number[] = []
  await readEvents(await open(), (data, at) => {
    const sentAt = content(data)
    if (sentAt !== undefined) out.push(at - Number(sentAt))
  })
  return out
}
const latencyInput = { tokens: 2000, delay_ms: 2, stamp: 1 }
const directLatency = await latencies(() => direct(latencyInput), directContent)
const relayedLatency = await latencies(() => relayed('chat', latencyInput), (d) => d)
const [dp50, dp99, rp50, rp99] = [percentile(directLatency, 50), percentile(directLatency, 99), percentile(relayedLatency, 50), percentile(relayedLatency, 99)]
report('latency upstream→client direct p50 / p99 (ms)', `${fmt(dp50, 2)} / ${fmt(dp99, 2)}`)
report('latency upstream→mc→client p50 / p99 (ms)', `${fmt(rp50, 2)} / ${fmt(rp99, 2)}`)
report('added by mc per chunk p50 / p99 (ms)', `${fmt(rp50 - dp50, 2)} / ${fmt(rp99 - dp99, 2)}`)

// 3. Many concurrent streams, each chunk stamped with its send time.
async function concurrent(open: () => Promise<Response>, content: (data: string) => string | undefined) {
  let completed = 0
  let errors = 0
  const delays: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENT }, async () => {
      try {
        const mine: number[] = []
        const response = await open()
        if (!response.ok) throw new Error(String(response.status))
        await readEvents(response, (data, at) => {
          const sentAt = content(data)
          if (sentAt !== undefined) mine.push(at - Number(sentAt))
        })
        if (mine.length !== 14) throw new Error(`got ${mine.length} chunks`)
        delays.push(...mine)
        completed++
      } catch {
        errors++
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  return { completed, errors, seconds, rate: delays.length / seconds, p50: percentile(delays, 50), p99: percentile(delays, 99) }
}
const slow = { tokens: 14, delay_ms: 100, stamp: 1 }
const directMany = await concurrent(() => direct(slow), directContent)
resetPeak(mcProc.pid)
const relayedMany = await concurrent(() => relayed('chat', slow), (d) => d)
const manyRss = peakRss()
const many = (r: typeof directMany) => `${r.completed} ok / ${r.errors} errors, ${fmt(r.seconds, 2)} s, ${fmt(r.rate, 0)} chunks/s, latency p50 ${fmt(r.p50, 2)} / p99 ${fmt(r.p99, 2)} ms`
report(`${CONCURRENT} streams direct`, many(directMany))
report(`${CONCURRENT} streams through mc`, many(relayedMany))
report(`${CONCURRENT} streams: added by mc per chunk p50 / p99 (ms)`, `${fmt(relayedMany.p50 - directMany.p50, 2)} / ${fmt(relayedMany.p99 - directMany.p99, 2)}`)
report(`${CONCURRENT} streams: mc peak RSS`, `${fmt(manyRss)} MiB`)

// 4. 1 GiB through mc, in a fresh mc process (its peak RSS is this relay's alone).
mcProc.kill('SIGTERM')
await mcProc.exited
mcProc = await startMc()
let bytes = 0
const bulkStarted = performance.now()
const bulk = await relayed('bulk', { count: GIB_CHUNKS })
for await (const chunk of bulk.body as ReadableStream<Uint8Array>) bytes += chunk.byteLength
const bulkSeconds = (performance.now() - bulkStarted) / 1000
const payload = GIB_CHUNKS * 65536
if (bytes < payload) throw new Error(`1 GiB relay: got ${bytes} bytes, expected at least ${payload}`)
report(`${fmt(payload / 2 ** 30, 2)} GiB through mc: MiB/s, mc peak RSS`, `${fmt(payload / 2 ** 20 / bulkSeconds, 0)}, ${fmt(peakRss())} MiB`)

mcProc.kill('SIGTERM')
upstreamProc.kill('SIGTERM')
await Promise.all([mcProc.exited, upstreamProc.exited])
