// The `model` plugin on the tiny fixture models (test/fixtures/models, made by
// test/fixtures/make-models.ts), through mc over HTTP as a user runs it.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeBart, makeGpt2 } from '../../fixtures/make-models.ts'
import { composeDir, freePort, ROOT, runMc, startMc, type McProcess } from '../../support/mc.ts'

const MODELS = join(ROOT, 'test/fixtures/models')
const GPT2 = join(MODELS, 'tiny-gpt2')
const BART = join(MODELS, 'tiny-bart')

const compose = (port: number) => `
controller:
  port: ${port}

workflows:
  - id: generate
    output: \${output as text;sse-text}
    jobs:
      - component: writer
  - id: chat
    output: \${output as text;sse-text}
    jobs:
      - component: chatter
  - id: translate
    output: \${output as text;sse-text}
    jobs:
      - component: translator
  - id: summarize
    output: \${output as text;sse-text}
    jobs:
      - component: summarizer
  - id: seq2seq-generate
    output: \${output as text;sse-text}
    jobs:
      - component: bart-writer
  # the guide's §11.3.2: a translation waited for, then a streamed summary of it
  - id: translate-and-summarize
    output: \${output as text;sse-text}
    jobs:
      - id: translate
        component: translator
        input:
          text: \${input.text}
          stream: false
      - id: summarize
        component: summarizer
        input:
          text: \${jobs.translate.output}
          stream: true
        depends_on: [translate]

components:
  - id: writer
    type: model
    task: text-generation
    model: ${GPT2}
    text: \${input.prompt as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: \${input.max | 40}
      do_sample: false
      num_beams: 1
  - id: chatter
    type: model
    task: chat-completion
    model: ${GPT2}
    messages:
      - role: user
        content: \${input.message as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: 24
  - id: translator
    type: model
    task: translation
    model: ${BART}
    text: \${input.text as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: 30
  - id: summarizer
    type: model
    task: summarization
    model: ${BART}
    text: \${input.text as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: 20
  - id: bart-writer
    type: model
    task: text-generation
    model: ${BART}
    text: \${input.prompt as text}
    streaming: \${input.stream | false}
    params:
      max_output_length: 25
`

let mc: McProcess
beforeAll(async () => {
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port) }), [], port)
})
afterAll(async () => {
  await mc?.stop()
})

const run = (body: unknown) =>
  fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

/** The chunks of an SSE answer, as an SSE parser gets them. */
async function sseChunks(response: Response): Promise<string[]> {
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const body = (await response.text()).replace(/^id: .*\n/gm, '')
  return body
    .split('\n\n')
    .filter(Boolean)
    .map((event) => event.split('\n').map((line) => line.replace(/^data: /, '')).join('\n'))
}

describe('each task through mc: streamed chunks add up to the whole text', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['generate', { prompt: 'Hello to' }],
    ['chat', { message: 'Hi there' }],
    ['translate', { text: '안녕하세요, 세계' }],
    ['summarize', { text: 'A long text that needs a summary.' }],
    ['seq2seq-generate', { prompt: 'Summarize me' }],
  ]
  for (const [workflow, input] of cases) {
    test(workflow, async () => {
      const whole = (await (await run({ workflow_id: workflow, input: { ...input, stream: false } })).json()) as { status: string; output: string }
      expect(whole.status).toBe('completed')
      expect(whole.output.length).toBeGreaterThan(5)
      const chunks = await sseChunks(await run({ workflow_id: workflow, input: { ...input, stream: true }, output_only: true }))
      expect(chunks.length).toBeGreaterThan(1) // streamed piece by piece, not in one go
      expect(chunks.join('')).toBe(whole.output)
    })
  }

  test('greedy generation is deterministic, and follows the fixture weights', async () => {
    const a = (await (await run({ workflow_id: 'generate', input: { prompt: 'Hello to', max: 12 }, output_only: true })).text())
    const b = (await (await run({ workflow_id: 'generate', input: { prompt: 'Hello to', max: 12 }, output_only: true })).text())
    expect(a.replace(/^id: .*\n/gm, '')).toBe(b.replace(/^id: .*\n/gm, ''))
    // After "...to" comes "ken", then the cycle "token ": the weights make each byte follow the last.
    expect(a.replace(/^id: .*\n/gm, '')).toBe('data: ken token to\n\n')
  })
})

describe('streaming: ${input.stream | false} (the guide §11.3.3)', () => {
  test('stream true with output_only: SSE; stream false: a JSON task result', async () => {
    const streamed = await run({ workflow_id: 'generate', input: { prompt: 'Hello', stream: true }, output_only: true, wait_for_completion: true })
    expect(streamed.headers.get('content-type')).toBe('text/event-stream')
    const plain = await run({ workflow_id: 'generate', input: { prompt: 'Hello', stream: false }, wait_for_completion: true })
    expect(plain.headers.get('content-type')).toBe('application/json')
    expect(((await plain.json()) as { status: string }).status).toBe('completed')
  })
})

test('the two-job workflow (§11.3.2) streams only its second job, fed with the whole first answer', async () => {
  const text = '번역할 문장입니다'
  const translation = ((await (await run({ workflow_id: 'translate', input: { text } })).json()) as { output: string }).output
  const summary = ((await (await run({ workflow_id: 'summarize', input: { text: translation } })).json()) as { output: string }).output
  const chunks = await sseChunks(await run({ workflow_id: 'translate-and-summarize', input: { text }, output_only: true }))
  expect(chunks.length).toBeGreaterThan(1)
  expect(chunks.join('')).toBe(summary)
})

test('a client that goes away stops generation at once (counted in tokens); the next run is served', async () => {
  const port = freePort()
  const dir = composeDir({
    'compose.yml': `controller:\n  port: ${port}\nworkflow:\n  output: \${output as text;sse-text}\ncomponent:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  text: \${input.prompt}\n  streaming: true\n  params:\n    max_output_length: 4000\n`,
  })
  const server = await startMc(dir, ['-v'], port)
  try {
    const abort = new AbortController()
    const response = await fetch(`${server.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { prompt: 'Go' }, output_only: true }), signal: abort.signal })
    const reader = response.body!.getReader()
    await reader.read()
    abort.abort() // the client goes away after its first chunk
    const deadline = Date.now() + 10_000
    while (!server.logs().includes('generated') && Date.now() < deadline) await Bun.sleep(10)
    const stopped = /generated (\d+) tokens \(stopped: cancelled\)/.exec(server.logs())
    expect(stopped).not.toBeNull()
    expect(Number(stopped![1])).toBeLessThan(400) // of the 4,000 asked for
    // The model is free again: the next run goes through to the end.
    const next = await fetch(`${server.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { prompt: 'Go' }, output_only: true }) })
    expect((await next.text()).length).toBeGreaterThan(4000)
    expect(server.logs()).toMatch(/generated 4000 tokens\n/)
  } finally {
    await server.stop()
  }
})

describe('configuration errors', () => {
  const bad = (params: string, extra = '') =>
    `component:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  text: hi\n  streaming: true\n${extra}  params:\n${params}`
  test('streaming with num_beams > 1 fails at load, naming the place', async () => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': bad('    num_beams: 3\n') }) })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: compose.yml:8:16: component.params.num_beams: streaming needs num_beams: 1 (got 3)\n')
  })
  test('streaming with batch_size > 1 fails at load', async () => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': bad('    batch_size: 4\n') }) })
    expect(result.stderr).toContain('streaming needs batch_size: 1 (got 4)')
  })
  test('a missing model folder is one clear line', async () => {
    const dir = composeDir({ 'compose.yml': 'component:\n  type: model\n  task: summarization\n  model: ./nowhere\n  text: x\n' })
    const result = await runMc(['run'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/model folder .*nowhere has no config\.json/)
  })
  test('device: cuda runs where its execution provider exists, else says so in one line', async () => {
    const dir = composeDir({ 'compose.yml': `component:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  device: cuda\n  text: hi\n` })
    const result = await runMc(['run'], { cwd: dir })
    if (result.code === 0) expect(result.stdout.length).toBeGreaterThan(1)
    else expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^mc \| error: model .*tiny-gpt2: device "cuda" is not available here \(.+\); use device: cpu$/)
  })
  test('offline, a hub id not in the cache names the missing file', async () => {
    const dir = composeDir({ 'compose.yml': 'component:\n  type: model\n  task: text-generation\n  model: some-org/not-cached\n  text: x\n' })
    const result = await runMc(['run'], { cwd: dir, env: { MC_OFFLINE: '1', MC_CACHE_DIR: join(dir, 'cache') } })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/model some-org\/not-cached: offline \(MC_OFFLINE \/ HF_HUB_OFFLINE\) and .*config\.json is not in the cache/)
  })
})

test('the fixture generator writes the same files twice, and they load', async () => {
  const a = composeDir({})
  const b = composeDir({})
  for (const out of [a, b]) {
    makeGpt2(join(out, 'tiny-gpt2'))
    makeBart(join(out, 'tiny-bart'))
  }
  const files = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length))
      .sort()
  expect(files(a)).toEqual(files(b))
  for (const file of files(a)) expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file)))).toBe(true)
  // The committed fixtures are what the generator writes.
  for (const file of files(a)) expect(readFileSync(join(a, file)).equals(readFileSync(join(MODELS, file)))).toBe(true)
  const dir = composeDir({ 'compose.yml': `component:\n  type: model\n  task: summarization\n  model: ${join(a, 'tiny-bart')}\n  text: \${input.text}\n` })
  const first = await runMc(['run', '-i', '{"text": "same"}'], { cwd: dir })
  const second = await runMc(['run', '-i', '{"text": "same"}'], { cwd: dir })
  expect(first.code).toBe(0)
  expect(first.stdout).toBe(second.stdout)
})
