// examples/rag end to end, offline: ingest texts (split, embed on the fixture
// encoder, store in the embedded vector store), search them (the text searched
// with its own words ranks first after reranking), and ask (the answer streams
// over SSE from a local OpenAI-compatible upstream whose recorded prompt holds
// the retrieved text). The example runs from a temp copy (its fixtures linked)
// so neither its store nor mc's task store is written into the repo.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
beforeAll(async () => {
  upstream = startUpstream({ delayMs: 20 })
  const port = freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mc-rag-'))
  mkdirSync(join(dir, 'examples/rag'), { recursive: true })
  mkdirSync(join(dir, 'test'))
  symlinkSync(join(ROOT, 'test/fixtures'), join(dir, 'test/fixtures'))
  copyFileSync(join(ROOT, 'examples/rag/compose.yml'), join(dir, 'examples/rag/compose.yml'))
  const env = {
    MC_PORT: String(port),
    MC_WEBUI_PORT: String(freePort()),
    OPENAI_BASE_URL: `${upstream.url}/v1`,
    OPENAI_API_KEY: 'sk-test',
  }
  mc = await startMc(dir, ['-f', 'examples/rag/compose.yml'], port, env)
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

async function run(workflow: string, input: unknown): Promise<any> {
  const response = await fetch(`${mc.api}/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflow, input, wait_for_completion: true, output_only: true }),
  })
  expect(response.status).toBe(200)
  return response.json()
}

const TEXTS = {
  cats: 'Cats purr and sleep on warm windows all day long.',
  rockets: 'Rockets burn liquid fuel to climb into orbit around the earth.',
  bread: 'Bakers knead dough and bake bread in hot stone ovens before dawn.',
}

test('ingest stores each text under its id; search finds a text by its own words first', async () => {
  for (const [id, text] of Object.entries(TEXTS)) expect((await run('ingest', { id, text })).ids).toEqual([id])
  const hits = await run('search', { query: TEXTS.rockets })
  expect(hits.length).toBe(3)
  expect(hits[0]).toEqual({ id: 'rockets', score: expect.any(Number), text: TEXTS.rockets })
  const scores = hits.map((h: any) => h.score)
  expect(scores).toEqual([...scores].sort((a, b) => b - a))
})

test('a text longer than one chunk keeps its id: its chunks are stored as <id>#1, <id>#2, … and found by their own words', async () => {
  const sentences = Array.from({ length: 30 }, (_, i) => `Lighthouse keeper number ${i} trims the lamp wick at dusk.`)
  const { ids } = await run('ingest', { id: 'lighthouse', text: sentences.join(' ') })
  expect(ids.length).toBeGreaterThan(1)
  expect(ids).toEqual(ids.map((_: string, i: number) => `lighthouse#${i + 1}`))
  const hits = await run('search', { query: sentences[0] })
  expect(hits[0].id).toBe('lighthouse#1')
})

test('ask streams the answer over SSE with the retrieved texts in the upstream prompt', async () => {
  const response = await fetch(`${mc.api}/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ workflow_id: 'ask', input: { question: 'What do cats do on windows?' }, wait_for_completion: true, output_only: true }),
  })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toContain('text/event-stream')
  let chunks = 0
  let body = ''
  const decoder = new TextDecoder()
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    chunks++
    body += decoder.decode(chunk, { stream: true })
  }
  expect(body).toContain('data:')
  expect(chunks).toBeGreaterThan(1)
  const sent = upstream.stats('').bodies[0] as { messages: { content: string }[]; stream: boolean }
  expect(sent.stream).toBe(true)
  const prompt = sent.messages.map((m) => m.content).join('\n')
  expect(prompt).toContain(TEXTS.cats)
  expect(prompt).toContain('What do cats do on windows?')
})
