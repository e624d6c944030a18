// `bun run bench` (embedding): texts/s through mc's text-embedding task (a
// `mc up` serving one workflow, texts posted over HTTP in lists of 32, the
// task's batch size) against transformers.js's pipeline called directly in a
// process of its own (test/bench/embedding-direct.ts) on the same model and
// texts; then the ingest rate of examples/rag (split, embed, store in the
// embedded vector store: chunks/s for a long text). The model is the fixture
// tiny-bert-embedding (64 features), so the figures measure what mc adds
// around the model more than the model itself (on it, transformers.js's own
// mean pooling costs more than the model; mc pools in one pass over the
// attention mask, which is why mc comes out ahead).

import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc } from '../support/mc.ts'

const MODEL = join(ROOT, 'test/fixtures/models/tiny-bert-embedding')
const TEXT_COUNT = Number(process.env.BENCH_EMBEDDING_TEXTS ?? 2048)
const BATCH = 32
const ROUNDS = 7

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const fmt = (n: number) => Math.round(n).toLocaleString('en-US')

// Chunk-like texts of about 400 characters, different from each other.
const words = 'river stone light market paper engine garden winter signal harbor letter window field silver copper morning'.split(' ')
const texts = Array.from({ length: TEXT_COUNT }, (_, i) => Array.from({ length: 60 }, (_, w) => words[(i * 7 + w * 3 + (i >> w % 5)) % words.length]).join(' '))
const dir = composeDir({ 'texts.json': JSON.stringify(texts) })

const direct = Bun.spawn([process.execPath, join(import.meta.dir, 'embedding-direct.ts'), MODEL, join(dir, 'texts.json'), String(BATCH)], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' })
const directLines = createInterface({ input: Readable.fromWeb(direct.stdout as never) })[Symbol.asyncIterator]()
await directLines.next() // "ready"
async function directRound(): Promise<number> {
  direct.stdin.write('go\n')
  direct.stdin.flush()
  return (JSON.parse((await directLines.next()).value as string) as { textsPerSecond: number }).textsPerSecond
}

const port = freePort()
const compose = `controller:\n  type: http-server\n  port: ${port}\nworkflow:\n  output: \${output}\ncomponent:\n  type: model\n  task: text-embedding\n  model: ${MODEL}\n  text: \${input.texts}\n`
const mc = await startMc(composeDir({ 'compose.yml': compose }), [], port)
async function mcRound(): Promise<number> {
  const started = performance.now()
  for (let at = 0; at < texts.length; at += BATCH) {
    const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { texts: texts.slice(at, at + BATCH) }, wait_for_completion: true, output_only: true }) })
    if (response.status !== 200) throw new Error(`mc answered ${response.status}: ${await response.text()}`)
    await response.arrayBuffer()
  }
  return texts.length / ((performance.now() - started) / 1000)
}

try {
  await directRound()
  await mcRound() // warm-up: model load, JIT
  const directs: number[] = []
  const mcs: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    directs.push(await directRound())
    mcs.push(await mcRound())
  }
  const [d, m] = [median(directs), median(mcs)]
  console.log(`embedding, ${fmt(TEXT_COUNT)} texts of ~400 characters in batches of ${BATCH} (median of ${ROUNDS}): transformers.js direct ${fmt(d)} texts/s; through mc over HTTP ${fmt(m)} texts/s (${(m / d).toFixed(2)}×)`)
} finally {
  direct.kill()
  await mc.stop()
}

// Ingest through examples/rag: one long text, split into ~500-character chunks.
{
  const ragPort = freePort()
  const indexDir = composeDir({})
  const rag = await startMc(join(ROOT, 'examples/rag'), [], ragPort, { MC_PORT: String(ragPort), MC_WEBUI_PORT: String(freePort()), RAG_INDEX_PATH: join(indexDir, 'index') })
  try {
    const text = texts.join('\n\n')
    const started = performance.now()
    const response = await fetch(`${rag.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'ingest', input: { text }, wait_for_completion: true, output_only: true }) })
    const { ids } = (await response.json()) as { ids: string[] }
    const seconds = (performance.now() - started) / 1000
    console.log(`rag ingest (examples/rag: split, embed, store on disk): ${fmt(ids.length)} chunks from ${fmt(text.length)} characters in ${seconds.toFixed(2)} s: ${fmt(ids.length / seconds)} chunks/s`)
  } finally {
    await rag.stop()
  }
}
