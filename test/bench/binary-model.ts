// `bun run bench` (third part): the single executable against the npm route
// (`cli/mc`, the npm bin: what `npx mc` and `npm link` run) on the same local
// model streaming over HTTP (SSE): tokens/s, interleaved rounds, medians. The
// executable must reach 0.95× the npm route. Also: the build's time and size,
// and the native files' first-use copy and later-start check.

import { createParser } from 'eventsource-parser'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { builtBinary } from '../support/binary.ts'
import { composeDir, freePort, ROOT, waitForHttp } from '../support/mc.ts'
import { streamingModelCompose } from './streaming-model.ts'

const MODEL = join(ROOT, 'test/fixtures/models/tiny-gpt2')
const TOKENS = Number(process.env.BENCH_MODEL_TOKENS ?? 2000)
const ROUNDS = 9
const REQUIRED_RATIO = 0.95

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const line = (name: string, value: string) => console.log(`${name.padEnd(52)} ${value}`)

const buildStarted = performance.now()
const binary = await builtBinary()
line('executable: build time / size', `${fmt((performance.now() - buildStarted) / 1000)} s / ${fmt(statSync(binary).size / 1024 / 1024)} MB`)

// The native files: written on first model use, only checked afterwards (the executable's debug line says how long).
const nativeDir = mkdtempSync(join(tmpdir(), 'mc-bench-native-'))
const env = { ...process.env, MC_NATIVE_DIR: nativeDir }
const dirs = [nativeDir]
const dir = composeDir({ 'compose.yml': streamingModelCompose(freePort(), MODEL, TOKENS) })
dirs.push(dir)
async function nativeSetupMs(): Promise<number> {
  const proc = Bun.spawn([binary, 'run', '-v', '-i', '{"prompt": "Hi"}'], { cwd: dir, env, stdout: 'ignore', stderr: 'pipe' })
  const logs = await new Response(proc.stderr).text()
  const ms = /native files: (?:written to|found in) \S+ in ([\d.]+) ms/.exec(logs)?.[1]
  if ((await proc.exited) !== 0 || !ms) throw new Error(`the executable's model run failed: ${logs}`)
  return Number(ms)
}
line('native files: first use (write + load) / later start', `${fmt(await nativeSetupMs())} ms / ${fmt(await nativeSetupMs())} ms`)

/** `mc up` of one route on a port of its own; each round streams TOKENS tokens from it. */
async function server(argv: string[]) {
  const port = freePort()
  const cwd = composeDir({ 'compose.yml': streamingModelCompose(port, MODEL, TOKENS) })
  dirs.push(cwd)
  const proc = Bun.spawn([...argv, 'up'], { cwd, env, stdout: 'ignore', stderr: 'ignore' })
  const api = `http://127.0.0.1:${port}/api`
  await waitForHttp(`${api}/health`, proc)
  const round = async (): Promise<number> => {
    let characters = 0
    const started = performance.now()
    const response = await fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { prompt: 'Tell me a story' }, output_only: true }) })
    const parser = createParser({ onEvent: (event) => (characters += event.data.length) })
    const decoder = new TextDecoder()
    for await (const bytes of response.body as ReadableStream<Uint8Array>) parser.feed(decoder.decode(bytes, { stream: true }))
    // Each fixture token is one character, and the fixture never stops early.
    if (characters !== TOKENS) throw new Error(`${argv.join(' ')}: expected ${TOKENS} characters, got ${characters}`)
    return TOKENS / ((performance.now() - started) / 1000)
  }
  return { round, stop: () => (proc.kill('SIGTERM'), proc.exited) }
}

const compiled = await server([binary])
const npm = await server([join(ROOT, 'cli/mc')])
try {
  await compiled.round() // warm-up, both sides
  await npm.round()
  const rates = { compiled: [] as number[], npm: [] as number[] }
  for (let i = 0; i < ROUNDS; i++) {
    rates.compiled.push(await compiled.round())
    rates.npm.push(await npm.round())
  }
  // The machine's speed drifts between runs: the ratio is taken round by round, then its median.
  const ratio = median(rates.compiled.map((rate, i) => rate / rates.npm[i]!))
  line(`model (tiny-gpt2, ${TOKENS} tokens), npm route: tokens/s`, `${fmt(median(rates.npm), 0)} (median of ${ROUNDS})`)
  line('model through the executable: tokens/s', fmt(median(rates.compiled), 0))
  line('executable / npm route (median of per-round ratios)', `${fmt(ratio, 2)}× (required ≥ ${REQUIRED_RATIO}: ${ratio >= REQUIRED_RATIO ? 'met' : 'NOT met'})`)
} finally {
  await Promise.all([compiled.stop(), npm.stop()])
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}
