// model-compose's own example files, run end to end by real mc processes: only
// URLs, ports and model ids change (the local upstream stands in for OpenAI and
// Anthropic, the tiny fixture models for the hub's). Files from both versions:
// streaming chats, control flow, shell, text-splitter, local models, and the
// `workflow` component from 0.4.92's guide.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { composeDir, freePort, readPieces, runMc, startMc } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const EXAMPLES = join(import.meta.dir, '../fixtures/model-compose')
const MODELS = join(import.meta.dir, '../fixtures/models')
const KEYS = { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant-test' }

let upstream: Upstream
let slow: Upstream
beforeAll(() => {
  upstream = startUpstream()
  slow = startUpstream({ delayMs: 150 })
})
afterAll(() => {
  upstream.stop()
  slow.stop()
})

/** An example's text with its real endpoints swapped for local ones. */
function example(path: string, swaps: [string, string][] = []): string {
  let text = readFileSync(join(EXAMPLES, path, 'model-compose.yml'), 'utf8')
  const all: [string, string][] = [...swaps, ['https://api.openai.com/v1', `${upstream.url}/v1`], ['https://api.anthropic.com/v1', `${upstream.url}/v1`]]
  for (const [from, to] of all) text = text.replaceAll(from, to)
  return text
}

async function run(text: string, input: unknown, workflow?: string) {
  const dir = composeDir({ 'model-compose.yml': text })
  const result = await runMc(['run', ...(workflow ? [workflow] : []), '-i', JSON.stringify(input)], { cwd: dir, env: KEYS })
  if (result.code !== 0) throw new Error(`mc run failed (${result.code}): ${result.stderr}`)
  return result.stdout.trim()
}

/** `mc up` of the file, one streamed run: its SSE data lines and when the first and last pieces came (ms after the request). */
async function streamRun(text: string, port: number, request: Record<string, unknown>) {
  const mc = await startMc(composeDir({ 'model-compose.yml': text }), [], port, KEYS)
  try {
    const started = performance.now()
    const response = await fetch(`${mc.url}/api/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, output_only: true, wait_for_completion: true }),
    })
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const { text: body, pieces } = await readPieces(response)
    const data = body.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6))
    return { data, firstMs: pieces[0]!.at - started, lastMs: pieces[pieces.length - 1]!.at - started }
  } finally {
    await mc.stop()
  }
}

const json = async (text: string, input: unknown, workflow?: string) => JSON.parse(await run(text, input, workflow))

describe('model providers over the local upstream', () => {
  test('0.4.92 openai-chat-completions-stream: tokens reach the HTTP client as they come', async () => {
    const port = freePort()
    const text = example('0.4.92/model-providers/openai/openai-chat-completions-stream', [
      ['https://api.openai.com/v1', `${slow.url}/v1`],
      ['port: 8080', `port: ${port}`],
      ['port: 8081', `port: ${freePort()}`],
    ])
    const { data, firstMs, lastMs } = await streamRun(text, port, { input: { prompt: 'Hello there' } })
    expect(data.join('')).toBe('You said: Hello there')
    expect(data.length).toBeGreaterThan(3)
    // The first token arrives long before the last (150 ms between upstream events).
    expect(firstMs).toBeLessThan(lastMs - 300)
  })

  test('0.4.92 openai-chat-completions: one answer', async () => {
    expect(await json(example('0.4.92/model-providers/openai/openai-chat-completions'), { prompt: 'Hi' })).toEqual({ message: 'You said: Hi' })
  })

  test('0.4.92 anthropic-chat-completions-stream: the text deltas, in order', async () => {
    expect(await run(example('0.4.92/model-providers/anthropic/anthropic-chat-completions-stream'), { prompt: 'Bonjour' })).toBe('You said: Bonjour')
  })

  test('0.4.10 openai-chat-completions', async () => {
    expect(await json(example('0.4.10/openai-chat-completions'), { prompt: 'Hallo' })).toEqual({ message: 'You said: Hallo' })
  })

  test('0.4.10 openai-chat-completions-stream asks for no stream (its body says `streaming: true`), and gets what model-compose gets', async () => {
    // OpenAI reads `stream`, so this example's upstream answers one JSON body: `${response[].choices[0].delta.content}` finds no delta.
    expect(await run(example('0.4.10/openai-chat-completions-stream'), { prompt: 'Hallo' })).toBe('null')
    expect(upstream.stats('').bodies[0]).toMatchObject({ streaming: true })
  })

  test('0.4.92 analyze-disk-usage: a shell job feeding a chat job', async () => {
    const output = await json(example('0.4.92/showcase/analyze-disk-usage'), {})
    expect(output.usage).toContain('Filesystem')
    expect(output.advice).toStartWith('You said: ')
    expect(output.advice).toContain('Filesystem')
  })
})

describe('control flow (0.4.92 job-flow examples)', () => {
  test('if: routes by score to one grade job, the others never run', async () => {
    const text = example('0.4.92/job-flow/conditional-routing/if')
    expect(await json(text, { score: 95 })).toEqual({ grade: 'A', score: 95, message: 'Excellent work!', rendered: '[Grade A] score=95 - Excellent work!' })
    expect((await json(text, { score: 75 })).grade).toBe('B')
    expect((await json(text, { score: 12 })).grade).toBe('F')
  })

  test('switch: picks the case by value, otherwise the default', async () => {
    const text = example('0.4.92/job-flow/conditional-routing/switch')
    expect((await json(text, { language: 'ko', name: 'Min' })).message).toBe('안녕하세요, Min님!')
    expect((await json(text, { language: 'en', name: 'Ann' })).rendered).toBe('[English] Hello, Ann!')
    expect((await json(text, { language: 'fr', name: 'Luc' })).language).toBe('Unknown')
  })

  test('random-router: uniform picks one of three; weighted picks from its routes', async () => {
    const text = example('0.4.92/job-flow/conditional-routing/random')
    const seen = new Set<string>()
    for (let i = 0; i < 6; i++) seen.add((await json(text, {}, 'uniform-routing')).variant)
    for (const variant of seen) expect(['A', 'B', 'C']).toContain(variant)
    expect(['control', 'experiment', 'canary']).toContain((await json(text, {}, 'weighted-routing')).variant)
  })
})

describe('components', () => {
  test('0.4.92 runtime/embedded: a shell command and ${output.stdout}', async () => {
    expect(await json(example('0.4.92/runtime/embedded'), { name: 'mc' })).toEqual({ greeting: 'hello from mc' })
  })

  test.each([['0.4.10/split-text'], ['0.4.92/text-processing/split-text']])('%s: chunks with overlap', async (path) => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')
    const chunks = await json(example(path), { text: words, chunk_size: 100, chunk_overlap: 20 })
    expect(Array.isArray(chunks)).toBe(true)
    expect(chunks.length).toBeGreaterThan(3)
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(100)
    expect(chunks.join(' ')).toContain('word0')
    expect(chunks[chunks.length - 1]).toContain('word59')
  })

  test('the workflow component (0.4.92 guide, "Workflow Modularization"): a workflow run as a step of another', async () => {
    const text = readFileSync(join(import.meta.dir, '../fixtures/model-compose-guide/workflow-component.yml'), 'utf8')
    expect(await json(text, { raw_data: '  Hello,   World  ' }, 'main')).toEqual({ analysis: 'length=11 text=hello world' })
  })

  test('the workflow component streams the inner workflow token by token (0.4.92 workflow-queue dispatcher + subscriber in one file)', async () => {
    const port = freePort()
    const dispatcher = example('0.4.92/workflow-queue/stream/dispatcher')
    const subscriber = example('0.4.92/workflow-queue/stream/subscriber', [['https://api.openai.com/v1', `${slow.url}/v1`]])
    // The dispatcher's workflow and component, the subscriber's `chat` workflow and `openai` component, one controller.
    const d = parse(dispatcher)
    const sub = parse(subscriber)
    const text = stringify({
      controller: { adapter: { type: 'http-server', port, base_path: '/api' } },
      workflows: [{ id: 'dispatch', ...d.workflow, job: { ...d.workflow.job, component: 'dispatcher' } }, sub.workflow],
      components: [{ id: 'dispatcher', ...d.component }, sub.component],
    })
    const { data, firstMs, lastMs } = await streamRun(text, port, { workflow_id: 'dispatch', input: { prompt: 'relay me' } })
    expect(data.join('')).toBe('You said: relay me')
    expect(firstMs).toBeLessThan(lastMs - 300)
  })
})

describe('local models (fixture models in place of the hub ids)', () => {
  test('0.4.92 chat-completion/huggingface', async () => {
    const text = example('0.4.92/model-tasks/chat-completion/huggingface', [['HuggingFaceTB/SmolLM3-3B', join(MODELS, 'tiny-gpt2')]])
    const output = await json(text, { system_prompt: 'Be brief.', user_prompt: 'Hello' })
    expect(typeof output.generated).toBe('string')
    expect(output.generated).toContain('token')
  })

  test('0.4.10 summarization: text-generation with architecture seq2seq', async () => {
    const text = example('0.4.10/model-tasks/summarization', [['facebook/bart-large-cnn', join(MODELS, 'tiny-bart')]])
    const output = await json(text, { text: 'A long article about tiny models. '.repeat(20) })
    expect(typeof output.summary).toBe('string')
  })
})
