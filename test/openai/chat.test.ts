// The OpenAI-compatible front (core/openai/) as the official `openai` SDK
// sees it: models listed, the guide's §11.3.1 workflow streamed chunk by chunk
// exactly as the upstream sent it, whole answers, usage, errors in OpenAI's
// shape, and a client that leaves mid-stream cancelling the run upstream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import type { McProcess } from '../support/mc.ts'
import { openAiEvents, startUpstream, type Upstream } from '../support/upstream.ts'
import { guideDir, startOnMcPort, workflowsDir } from './openai-compose.ts'

const API_KEY = 'sk-mc-openai-front'
let upstream: Upstream
let guide: McProcess
let many: McProcess
let guideClient: OpenAI
let client: OpenAI

/** Tokens as the local upstream cuts an answer: words with their leading space. */
const tokensOf = (text: string) => text.match(/\s*\S+/g)!
const USAGE = { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }
/** What the relayed upstream sends: its chunks, then one carrying the usage (as OpenAI does with include_usage). */
const RELAYED = [...openAiEvents(['Hi', ' there']).slice(0, -1), `data: ${JSON.stringify({ id: 'chatcmpl-up', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [], usage: USAGE })}\n\n`, 'data: [DONE]\n\n']

beforeAll(async () => {
  upstream = startUpstream({ delayMs: 20 })
  guide = await startOnMcPort(guideDir(), { OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'sk-upstream', MC_API_KEY: API_KEY })
  guideClient = new OpenAI({ baseURL: `${guide.url}/v1`, apiKey: API_KEY, maxRetries: 0 })
  many = await startOnMcPort(workflowsDir(upstream.url), { USAGE_CHUNKS: encodeURIComponent(JSON.stringify(RELAYED)) })
  client = new OpenAI({ baseURL: `${many.url}/v1`, apiKey: 'unused', maxRetries: 0 })
})
/** What a request of the SDK failed with (undefined when it did not). */
async function failureOf(request: PromiseLike<unknown>): Promise<unknown> {
  try {
    await request
    return undefined
  } catch (error) {
    return error
  }
}

afterAll(async () => {
  await Promise.all([guide?.stop(), many?.stop()])
  upstream?.stop()
})

describe('the guide §11.3.1 workflow through the openai SDK', () => {
  test('models.list() names its workflow', async () => {
    const models = []
    for await (const model of guideClient.models.list()) models.push(model)
    expect(models).toEqual([{ id: '__default__', object: 'model', created: expect.any(Number), owned_by: 'mc' }])
  })

  test('a streamed completion is the upstream answer, chunk by chunk', async () => {
    const stream = await guideClient.chat.completions.create({ model: '__default__', messages: [{ role: 'user', content: 'Tell me a story, quickly' }], stream: true })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const contents = chunks.map((c) => c.choices[0]?.delta.content).filter((c) => c !== undefined && c !== '')
    // The upstream answers "You said: <prompt>", one event per word: each is one chunk here, as it was sent.
    expect(contents).toEqual(tokensOf('You said: Tell me a story, quickly'))
    expect(chunks[0]!.choices[0]!.delta.role).toBe('assistant')
    expect(chunks.at(-1)!.choices[0]!.finish_reason).toBe('stop')
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1)
    expect(chunks[0]!.object).toBe('chat.completion.chunk')
    expect(chunks[0]!.model).toBe('__default__')
  })

  test('stream: false answers one chat.completion', async () => {
    const completion = await guideClient.chat.completions.create({ model: '__default__', messages: [{ role: 'system', content: 'Be brief' }, { role: 'user', content: 'Hello there' }] })
    expect(completion.object).toBe('chat.completion')
    expect(completion.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'You said: Hello there' })
    expect(completion.choices[0]!.finish_reason).toBe('stop')
  })

  test('include_usage adds a last chunk with usage (null: this upstream reports none)', async () => {
    const stream = await guideClient.chat.completions.create({ model: '__default__', messages: [{ role: 'user', content: 'Hi' }], stream: true, stream_options: { include_usage: true } })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: null })
  })

  test('without the API key: 401, an AuthenticationError', async () => {
    const stranger = new OpenAI({ baseURL: `${guide.url}/v1`, apiKey: 'sk-wrong', maxRetries: 0 })
    const refused: any = await failureOf(stranger.models.list())
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError)
    expect(refused.error).toEqual({ message: 'wrong API key', type: 'authentication_error', param: null, code: null })
  })
})

describe('workflows as models', () => {
  test('every public workflow is a model; a private one is not', async () => {
    const ids = (await client.models.list()).data.map((m) => m.id)
    expect(ids).toEqual(['chat-messages', 'chat-gated', 'relay-usage', 'upstream-answer', 'two-inputs', 'embed'])
    expect(await failureOf(client.models.retrieve('hidden'))).toBeInstanceOf(OpenAI.NotFoundError)
  })

  test('a workflow reading ${input.messages} gets the whole list', async () => {
    const messages = [{ role: 'system' as const, content: 'Be brief' }, { role: 'user' as const, content: 'first' }, { role: 'assistant' as const, content: 'ok' }, { role: 'user' as const, content: 'second question' }]
    const completion = await client.chat.completions.create({ model: 'chat-messages', messages })
    expect(completion.choices[0]!.message.content).toBe('You said: second question')
    expect(upstream.stats('').bodies[0]).toMatchObject({ messages })
  })

  test("a relay of the upstream's own chunks passes them through as sent, usage included", async () => {
    const stream = await client.chat.completions.create({ model: 'relay-usage', messages: [{ role: 'user', content: 'x' }], stream: true, stream_options: { include_usage: true } })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    const sent = RELAYED.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)))
    expect(chunks).toEqual(sent)
    const whole = await client.chat.completions.create({ model: 'relay-usage', messages: [{ role: 'user', content: 'x' }] })
    expect(whole.choices[0]!.message.content).toBe('Hi there')
    expect(whole.usage).toEqual(USAGE)
  })

  test("a workflow returning the upstream's whole answer: its content and usage, whole or streamed", async () => {
    const whole = await client.chat.completions.create({ model: 'upstream-answer', messages: [{ role: 'user', content: 'all at once' }] })
    expect(whole.choices[0]!.message.content).toBe('You said: all at once')
    expect(whole.usage).toEqual({ prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 })
    const stream = await client.chat.completions.create({ model: 'upstream-answer', messages: [{ role: 'user', content: 'all at once' }], stream: true, stream_options: { include_usage: true } })
    const chunks = []
    for await (const chunk of stream) chunks.push(chunk)
    expect(chunks.map((c) => [c.choices[0]?.delta, c.choices[0]?.finish_reason, c.usage])).toEqual([
      [{ role: 'assistant', content: 'You said: all at once' }, null, undefined],
      [{}, 'stop', undefined],
      [undefined, undefined, { prompt_tokens: 9, completion_tokens: 12, total_tokens: 21 }],
    ])
  })

  test("errors come in OpenAI's shape, naming the field", async () => {
    const unknown: any = await failureOf(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }))
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError)
    expect(unknown.code).toBe('model_not_found')
    expect(unknown.param).toBe('model')
    const unmapped: any = await failureOf(client.chat.completions.create({ model: 'two-inputs', messages: [{ role: 'user', content: 'x' }] }))
    expect(unmapped).toBeInstanceOf(OpenAI.BadRequestError)
    expect(unmapped.message).toContain('input.a')
    expect(unmapped.message).toContain('${input.messages}')
    const empty: any = await failureOf(client.chat.completions.create({ model: 'chat-messages', messages: [] }))
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError)
    expect(empty.param).toBe('messages')
  })

  test('a client that aborts mid-stream cancels the run: the upstream sees it go', async () => {
    // The upstream sends its first event (role only) at once, each later one when released: one word, then it waits.
    upstream.release('abort')
    const stream = await client.chat.completions.create({ model: 'chat-gated', messages: [{ role: 'user', content: 'one two three four five' }], stream: true })
    const seen: string[] = []
    let id = ''
    for await (const chunk of stream) {
      id = chunk.id
      const text = chunk.choices[0]?.delta.content
      if (text) seen.push(text)
      if (seen.length === 1) break
    }
    expect(seen).toEqual(['You'])
    // The upstream holds its next words until released: it must see its client (mc's run) go instead.
    for (let i = 0; i < 200 && upstream.stats('abort').cancelledAt === undefined; i++) await Bun.sleep(25)
    expect(upstream.stats('abort').cancelledAt).toBeNumber()
    // The run was a task like any other (its id in the answer's), and it is over, cancelled.
    let task: { status?: string; error?: string } = {}
    for (let i = 0; i < 200 && task.status !== 'failed'; i++, await Bun.sleep(25)) task = (await (await fetch(`${many.url}/api/tasks/${id.replace('chatcmpl-', '')}`)).json()) as typeof task
    expect(task).toMatchObject({ status: 'failed', error: 'cancelled: the client went away' })
  })
})
