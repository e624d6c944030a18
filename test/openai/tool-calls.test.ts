// Tool calls through the OpenAI front with `stream: false`: the deltas of a
// relayed upstream's streamed turn are assembled into `message.tool_calls` as
// OpenAI answers them (finish_reason `tool_calls`), and a workflow returning
// an upstream's whole `chat.completion` keeps its tool calls, whole or
// streamed. The upstream plays OpenAI's wire format (tool-calling-formats.ts:
// arguments cut mid-JSON), and the official SDK checks what mc answers —
// its own stream helper assembling the streamed answer the same way.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { composeDir, type McProcess } from '../support/mc.ts'
import { call, startToolCallingUpstream, type ScriptedTurn, type ToolCallingUpstream } from '../support/tool-calling-upstream.ts'
import { startOnMcPort } from './openai-compose.ts'

let upstream: ToolCallingUpstream
let mc: McProcess
let client: OpenAI

const CALLS = [call('call_weather', 'get_weather', { city: 'Seoul', unit: 'celsius' }), call('call_time', 'get_time', { zone: 'Asia/Seoul' })]
const TOOL_CALLS = CALLS.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: JSON.stringify(c.arguments) } }))
/** A user message that says "talk" gets text before the calls; any other, the calls alone. */
const turnFor = (body: { messages: { content?: unknown }[] }): ScriptedTurn => (String(body.messages.at(-1)?.content).includes('talk') ? { text: 'Let me check both.', toolCalls: CALLS } : { toolCalls: CALLS })

/** An upstream whose tool call stands at an index no answer has (each call would take memory): refused. */
const HOSTILE = `data: ${JSON.stringify({ object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 100000, id: 'x', type: 'function', function: { name: 'f', arguments: '' } }] }, finish_reason: null }] })}\n\ndata: [DONE]\n\n`

const compose = (url: string) => `
controller:
  type: http-server
  port: \${env.MC_PORT}
components:
  - id: streamed
    type: http-client
    base_url: ${url}
    path: /v1/chat/completions
    method: POST
    body:
      messages: \${input.messages}
      stream: true
    stream_format: json
    output: \${response[]}
  - id: hostile
    type: http-client
    base_url: ${url}
    path: /hostile
    method: POST
    body:
      messages: \${input.messages}
    stream_format: json
    output: \${response[]}
  - id: whole
    type: http-client
    base_url: ${url}
    path: /v1/chat/completions
    method: POST
    body:
      messages: \${input.messages}
    output: \${response}
workflows:
  - id: relay-tools
    job:
      component: streamed
      input:
        messages: \${input.messages}
    output: \${output as stream/json}
  - id: hostile-tools
    job:
      component: hostile
      input:
        messages: \${input.messages}
    output: \${output as stream/json}
  - id: whole-tools
    job:
      component: whole
      input:
        messages: \${input.messages}
    output: \${output}
`

beforeAll(async () => {
  upstream = startToolCallingUpstream({ script: turnFor, pieceChars: 5, routes: { '/hostile': () => new Response(HOSTILE, { headers: { 'content-type': 'text/event-stream' } }) } })
  mc = await startOnMcPort(composeDir({ 'compose.yml': compose(upstream.url) }), {})
  client = new OpenAI({ baseURL: `${mc.url}/v1`, apiKey: 'unused', maxRetries: 0 })
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const ask = (model: string, content: string) => ({ model, messages: [{ role: 'user' as const, content }] })

describe('stream: false assembles tool calls', () => {
  test("a relayed upstream's tool-call deltas become message.tool_calls", async () => {
    const answer = await client.chat.completions.create(ask('relay-tools', 'weather and time?'))
    expect(upstream.requests.at(-1)!.stream).toBe(true) // the upstream did stream: mc assembled its deltas
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls')
    expect(answer.choices[0]!.message).toEqual({ role: 'assistant', content: null, refusal: null, tool_calls: TOOL_CALLS })
  })

  test('text before the calls stays the content', async () => {
    const answer = await client.chat.completions.create(ask('relay-tools', 'talk, then call'))
    expect(answer.choices[0]!.message).toMatchObject({ content: 'Let me check both.', tool_calls: TOOL_CALLS })
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls')
  })

  test("a workflow returning the upstream's whole chat.completion keeps its tool calls", async () => {
    const answer = await client.chat.completions.create(ask('whole-tools', 'talk, then call'))
    expect(upstream.requests.at(-1)!.stream).toBeUndefined()
    expect(answer.choices[0]!.message).toMatchObject({ role: 'assistant', content: 'Let me check both.', tool_calls: TOOL_CALLS })
    expect(answer.choices[0]!.finish_reason).toBe('tool_calls')
  })

  test('a tool call at an absurd index is a 502 naming it, in OpenAI\'s shape', async () => {
    const failure: any = await client.chat.completions.create(ask('hostile-tools', 'x')).then(() => undefined, (error) => error)
    expect(failure).toBeInstanceOf(OpenAI.InternalServerError)
    expect(failure.status).toBe(502)
    expect(failure.message).toContain('tool call at index 100000')
  })
})

describe('stream: true carries them as OpenAI streams them', () => {
  test("the whole chat.completion's calls come as tool_calls deltas, with their index", async () => {
    const chunks = []
    for await (const chunk of await client.chat.completions.create({ ...ask('whole-tools', 'weather and time?'), stream: true })) chunks.push(chunk)
    const deltas = chunks.map((c) => c.choices[0]?.delta)
    expect(deltas.flatMap((d) => d?.tool_calls ?? [])).toEqual(TOOL_CALLS.map((c, index) => ({ index, ...c })))
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls'])
  })

  for (const model of ['relay-tools', 'whole-tools']) {
    test(`${model}: the SDK's stream helper assembles what stream: false answers`, async () => {
      const whole = await client.chat.completions.create(ask(model, 'talk, then call'))
      const streamed = await client.chat.completions.stream(ask(model, 'talk, then call')).finalChatCompletion()
      expect(streamed.choices[0]!.message.tool_calls as unknown).toEqual(whole.choices[0]!.message.tool_calls!)
      expect(streamed.choices[0]!.message.content).toBe(whole.choices[0]!.message.content)
      expect(streamed.choices[0]!.finish_reason).toBe('tool_calls')
    })
  }
})
