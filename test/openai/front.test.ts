// The OpenAI front's wire and settings: the raw SSE framing (ending in
// `data: [DONE]`), `controller.openai` renaming models or turning the front
// off (a wrong name refused at load, placed), embeddings through the SDK
// (floats and base64), and bodies that are not JSON.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { runMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { startOnMcPort, workflowsDir } from './openai-compose.ts'

let upstream: Upstream
const running: McProcess[] = []

beforeAll(() => {
  upstream = startUpstream()
})
afterAll(async () => {
  await Promise.all(running.map((mc) => mc.stop()))
  upstream?.stop()
})

async function mcWith(controller = ''): Promise<McProcess> {
  const mc = await startOnMcPort(workflowsDir(upstream.url, controller), { USAGE_CHUNKS: '[]' })
  running.push(mc)
  return mc
}

const post = (url: string, body: unknown, type = 'application/json') => fetch(url, { method: 'POST', headers: { 'content-type': type }, body: typeof body === 'string' ? body : JSON.stringify(body) })

test('the stream on the wire: chat.completion.chunk events, then data: [DONE]', async () => {
  const mc = await mcWith()
  const response = await post(`${mc.url}/v1/chat/completions`, { model: 'chat-messages', stream: true, messages: [{ role: 'user', content: 'a b' }] })
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const events = (await response.text()).split('\n\n').filter(Boolean)
  expect(events.at(-1)).toBe('data: [DONE]')
  const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, '')))
  expect(chunks.map((c) => c.choices[0].delta)).toEqual([{ role: 'assistant', content: 'You' }, { content: ' said:' }, { content: ' a' }, { content: ' b' }, {}])
  expect(chunks.map((c) => c.choices[0].finish_reason)).toEqual([null, null, null, null, 'stop'])
})

test('controller.openai.models renames workflows; a request names them so', async () => {
  const mc = await mcWith('  openai:\n    models:\n      gpt-mc: chat-messages\n      embedder: embed')
  const client = new OpenAI({ baseURL: `${mc.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  expect((await client.models.list()).data.map((m) => m.id)).toEqual(['gpt-mc', 'chat-gated', 'relay-usage', 'upstream-answer', 'two-inputs', 'embedder'])
  const completion = await client.chat.completions.create({ model: 'gpt-mc', messages: [{ role: 'user', content: 'renamed' }] })
  expect(completion).toMatchObject({ model: 'gpt-mc', choices: [{ message: { content: 'You said: renamed' } }] })
})

test('controller.openai: false leaves /v1 out', async () => {
  const mc = await mcWith('  openai: false')
  expect((await fetch(`${mc.url}/v1/models`)).status).toBe(404)
  expect((await fetch(`${mc.api}/workflows`)).status).toBe(200)
})

test('a model named after a private or unknown workflow is refused at load, at its line', async () => {
  for (const [id, why] of [['hidden', 'workflow "hidden" is private'], ['nothing', 'unknown workflow "nothing"']]) {
    const dir = workflowsDir(upstream.url, `  openai:\n    models:\n      mine: ${id}`)
    const result = await runMc(['validate', '-f', 'compose.yml'], { cwd: dir })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain(`compose.yml:7:13: controller.openai.models.mine: ${why}`)
  }
})

test('embeddings: one run per text, floats or base64 (what the SDK asks for by default)', async () => {
  const mc = await mcWith()
  const client = new OpenAI({ baseURL: `${mc.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  // The SDK asks for base64 and decodes it to floats.
  const decoded = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] })
  expect(decoded.data.map((d) => [d.index, d.embedding])).toEqual([[0, [0.5, -1.25]], [1, [0.5, -1.25]]])
  const floats = await client.embeddings.create({ model: 'embed', input: 'three', encoding_format: 'float' })
  expect(floats).toMatchObject({ object: 'list', model: 'embed', data: [{ object: 'embedding', index: 0, embedding: [0.5, -1.25] }] })
  expect(upstream.stats('').bodies.slice(0, 3).map((b) => (b as { text: string }).text)).toEqual(['three', 'two', 'one'])
  const notVectors = await client.embeddings.create({ model: 'chat-messages', input: 'x' }).then(() => undefined, (e) => e)
  expect(notVectors).toBeInstanceOf(OpenAI.BadRequestError)
})

test('a body that is not JSON: 415; a wrong field 400, an unknown model 404, in OpenAI\'s shape', async () => {
  const mc = await mcWith()
  const url = `${mc.url}/v1/chat/completions`
  expect((await post(url, 'model=x', 'application/x-www-form-urlencoded')).status).toBe(415)
  const wrong = await post(url, { model: 'chat-messages', messages: [{ role: 'user', content: 'x' }], stream: 'yes' })
  expect(wrong.status).toBe(400)
  expect(await wrong.json()).toEqual({ error: { message: 'stream: expected true or false', type: 'invalid_request_error', param: 'stream', code: null } })
  const unknown = await post(`${mc.url}/v1/chat/completions`, { model: 'nope', messages: [{ role: 'user', content: 'x' }] })
  expect(unknown.status).toBe(404)
  expect(await unknown.json()).toEqual({ error: { message: 'model: the model "nope" does not exist (models: chat-messages, chat-gated, relay-usage, upstream-answer, two-inputs, embed)', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } })
})

test('a client that leaves while waiting for a whole answer (stream: false) cancels the run too', async () => {
  const mc = await mcWith()
  const client = new OpenAI({ baseURL: `${mc.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  const leave = new AbortController()
  upstream.release('abort')
  const request = client.chat.completions.create({ model: 'chat-gated', messages: [{ role: 'user', content: 'one two three' }] }, { signal: leave.signal }).then(() => undefined, (error) => error)
  // The upstream sent its role event and one word, and holds the rest: the answer cannot be whole yet.
  for (let i = 0; i < 200 && upstream.stats('abort').eventsSent < 2; i++) await Bun.sleep(25)
  leave.abort()
  expect(await request).toBeInstanceOf(OpenAI.APIUserAbortError)
  for (let i = 0; i < 200 && upstream.stats('abort').cancelledAt === undefined; i++) await Bun.sleep(25)
  expect(upstream.stats('abort').cancelledAt).toBeNumber()
})
