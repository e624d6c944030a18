// `bun run bench` (second part): a fixture model streaming through mc (HTTP,
// SSE) versus transformers.js called directly in one process — same model,
// same parameters, same TextStreamer: time to first token and tokens/s.

import { createParser } from 'eventsource-parser'
import { join } from 'node:path'
import { composeDir, freePort, MC, ROOT, waitForHttp } from '../support/mc.ts'
import { streamingModelCompose } from './streaming-model.ts'

const MODEL = join(ROOT, 'test/fixtures/models/tiny-gpt2')
const TOKENS = Number(process.env.BENCH_MODEL_TOKENS ?? 2000)
const ROUNDS = 9
const PROMPT = 'Tell me a story'

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

interface Round {
  ttftMs: number
  tokensPerSecond: number
}

// Direct: transformers.js in a process of its own (test/bench/model-direct.ts), as
// mc runs in its own: neither shares a process with this benchmark's HTTP client.
const directProc = Bun.spawn([process.execPath, join(import.meta.dir, 'model-direct.ts'), MODEL, String(TOKENS), PROMPT], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' })
const directLines = (async function* () {
  let pending = ''
  const decoder = new TextDecoder()
  for await (const bytes of directProc.stdout as ReadableStream<Uint8Array>) {
    pending += decoder.decode(bytes, { stream: true })
    let at: number
    while ((at = pending.indexOf('\n')) >= 0) {
      yield pending.slice(0, at)
      pending = pending.slice(at + 1)
    }
  }
})()
await directLines.next() // "ready"
async function directRound(): Promise<Round> {
  directProc.stdin.write('go\n')
  directProc.stdin.flush()
  return JSON.parse((await directLines.next()).value as string) as Round
}

// Through mc: a spawned `mc up`, read over HTTP as SSE.
const port = freePort()
const dir = composeDir({
  'compose.yml': streamingModelCompose(port, MODEL, TOKENS),
})
const mc = Bun.spawn([...MC, 'up'], { cwd: dir, stdout: 'ignore', stderr: 'ignore' })
const api = `http://127.0.0.1:${port}/api`
await waitForHttp(`${api}/health`, mc)
async function mcRound(): Promise<Round> {
  let first = 0
  let characters = 0
  const started = performance.now()
  const response = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { prompt: PROMPT }, output_only: true }) })
  const parser = createParser({
    onEvent: (event) => {
      first ||= performance.now()
      characters += event.data.length
    },
  })
  const decoder = new TextDecoder()
  for await (const bytes of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(bytes, { stream: true }))
  const seconds = (performance.now() - started) / 1000
  // Each fixture token is one character, and the fixture never stops early.
  if (characters !== TOKENS) throw new Error(`expected ${TOKENS} characters, got ${characters}`)
  return { ttftMs: first - started, tokensPerSecond: TOKENS / seconds }
}

await directRound() // warm-up, both sides
await mcRound()
const direct: Round[] = []
const relayed: Round[] = []
for (let i = 0; i < ROUNDS; i++) {
  direct.push(await directRound())
  relayed.push(await mcRound())
}
const d = { ttft: median(direct.map((r) => r.ttftMs)), rate: median(direct.map((r) => r.tokensPerSecond)) }
const m = { ttft: median(relayed.map((r) => r.ttftMs)), rate: median(relayed.map((r) => r.tokensPerSecond)) }
// This machine's speed drifts by ±30% between runs: the ratio is taken round by round
// (a direct run and an mc run back to back), then its median.
const ratio = median(relayed.map((r, i) => r.tokensPerSecond / direct[i]!.tokensPerSecond))
const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`)
line(`model (tiny-gpt2, ${TOKENS} tokens), direct: TTFT / tokens/s`, `${fmt(d.ttft, 2)} ms / ${fmt(d.rate, 0)} (median of ${ROUNDS})`)
line(`model through mc (HTTP, SSE): TTFT / tokens/s`, `${fmt(m.ttft, 2)} ms / ${fmt(m.rate, 0)}`)
line(`model through mc: tokens/s as a share of direct`, `${fmt(ratio * 100, 0)}% (median of per-round ratios)`)
mc.kill('SIGTERM')
directProc.kill('SIGTERM')
await Promise.all([mc.exited, directProc.exited])
