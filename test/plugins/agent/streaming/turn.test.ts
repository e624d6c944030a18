// readTurn: a model's streamed turn (OpenAI chat.completion.chunk deltas or
// Anthropic message events) → its text tokens as they come, then the whole
// canonical assistant message. The events are the test upstream's, byte for
// byte as the APIs frame them, with tool arguments cut into pieces of every size.

import { describe, expect, test } from 'bun:test'
import { readTurn, type TurnEvent } from '../../../../plugins/agent/streaming/turn.ts'
import { anthropicTurnEvents, openAiTurnEvents, type ScriptedTurn } from '../../../support/tool-calling-formats.ts'

const TURN: ScriptedTurn = {
  text: 'Je regarde la météo ☀️ à Zürich…',
  toolCalls: [
    { id: 'call_1', name: 'get_weather', arguments: { city: 'Zürich', units: 'metric', note: 'ünïcödé "quoted" {braces}' } },
    { id: 'call_2', name: 'get_current_time', arguments: {} },
  ],
}

const EXPECTED = {
  role: 'assistant',
  content: [
    { type: 'text', text: TURN.text },
    { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Zürich', units: 'metric', note: 'ünïcödé "quoted" {braces}' } },
    { type: 'tool_call', id: 'call_2', name: 'get_current_time', arguments: {} },
  ],
}

/** The `data:` payload of each SSE event: what http-client gives with stream_format unset. */
function payloads(events: string[]): string[] {
  return events.map((event) => event.split('\n').find((line) => line.startsWith('data: '))!.slice(6))
}

async function* streamOf(chunks: unknown[]): AsyncGenerator<unknown> {
  for (const chunk of chunks) yield chunk
}

async function collect(chunks: unknown[], signal = new AbortController().signal): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of readTurn(streamOf(chunks), signal)) events.push(event)
  return events
}

async function failure(chunks: unknown[], options?: Parameters<typeof readTurn>[2]): Promise<{ status?: number; message: string }> {
  try {
    for await (const _ of readTurn(streamOf(chunks), new AbortController().signal, options));
  } catch (error) {
    return { status: (error as { status?: number }).status, message: (error as Error).message }
  }
  throw new Error('readTurn did not fail')
}

const FORMATS = { openai: openAiTurnEvents, anthropic: anthropicTurnEvents }

describe.each(Object.entries(FORMATS))('%s', (_name, eventsOf) => {
  test('tool arguments cut into pieces of any size come back whole, after the text tokens in order', async () => {
    for (const pieceChars of [1, 2, 3, 5, 13, 1000]) {
      for (const parsed of [false, true]) {
        const texts = payloads(eventsOf(TURN, pieceChars))
        const chunks = parsed ? texts.filter((t) => t !== '[DONE]').map((t) => JSON.parse(t)) : texts
        const events = await collect(chunks)
        const tokens = events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)
        expect(tokens.join('')).toBe(TURN.text!)
        expect(tokens.length).toBeGreaterThan(3) // token by token, not one piece
        expect(events.at(-1)).toEqual({ type: 'message', message: EXPECTED } as TurnEvent)
        expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
      }
    }
  })

  test('a final answer is one text block; no text and no calls is an empty message', async () => {
    const events = await collect(payloads(eventsOf({ text: 'Il fait 18 °C.' }, 7)))
    expect(events.at(-1)).toEqual({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'Il fait 18 °C.' }] } })
    expect((await collect(payloads(eventsOf({ text: '' }, 7)))).at(-1)).toEqual({ type: 'message', message: { role: 'assistant', content: [] } })
  })

  test('arguments that are not JSON are kept as the text the model wrote (the agent answers them with an error)', async () => {
    const events = await collect(payloads(eventsOf({ toolCalls: [{ id: 'c', name: 'f', arguments: '{"city": "Par' }] }, 4)))
    expect(events.at(-1)).toEqual({ type: 'message', message: { role: 'assistant', content: [{ type: 'tool_call', id: 'c', name: 'f', arguments: '{"city": "Par' }] } })
  })

  test('a stream that stops before the turn ends is a 502', async () => {
    const texts = payloads(eventsOf(TURN, 5))
    const cut = await failure(texts.slice(0, texts.length - 3))
    expect(cut.status).toBe(502)
    expect(cut.message).toContain('ended before the turn did')
  })

  test('bounds: text, one call\'s arguments and the number of calls', async () => {
    const limits = { textChars: 10, argumentChars: 1000, toolCalls: 8 }
    expect((await failure(payloads(eventsOf({ text: 'far more than ten characters' }, 5)), { limits })).message).toContain('passed 10 characters')
    const long = { toolCalls: [{ id: 'c', name: 'f', arguments: { blob: 'x'.repeat(2000) } }] }
    const args = await failure(payloads(eventsOf(long, 100)), { limits })
    expect([args.status, args.message]).toEqual([502, 'the model\'s stream: the arguments of tool call "f" passed 1000 characters'])
    const many = { toolCalls: Array.from({ length: 9 }, (_, i) => ({ id: `c${i}`, name: 'f', arguments: {} })) }
    expect((await failure(payloads(eventsOf(many, 5)), { limits })).message).toContain('more than 8 tool calls')
  })
})

describe('malformed streams', () => {
  test('text that is not JSON, values that are not objects, and unknown events are one-line 502s', async () => {
    const notJson = await failure(['data: {"choices": []}'], { what: 'model component "gpt"' })
    expect(notJson).toEqual({ status: 502, message: 'model component "gpt" sent an event that is not JSON: "data: {\\"choices\\": []}" (an http-client model needs stream_format unset or json)' })
    expect((await failure([42])).message).toBe("the model's stream sent an event that is not a JSON object: 42")
    expect((await failure([{ hello: 'world' }])).message).toContain('neither OpenAI chat.completion.chunk deltas nor Anthropic message events')
    expect((await failure([])).message).toBe("the model's stream ended without a single event")
    expect((await failure(['[DONE]'])).message).toBe("the model's stream ended without a single event")
  })

  test('an error event in the stream fails the turn with its message', async () => {
    const anthropic = payloads(anthropicTurnEvents({ text: 'Hello there' }, 5)).slice(0, 4)
    anthropic.push(JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }))
    expect(await failure(anthropic)).toEqual({ status: 502, message: "the model's stream sent an error in its stream: Overloaded" })
    const openai = [JSON.stringify({ error: { message: 'The server had an error', type: 'server_error' } })]
    expect(await failure(openai)).toEqual({ status: 502, message: "the model's stream sent an error in its stream: The server had an error" })
  })

  test('a piece of a tool call that never started is a 502', async () => {
    const piece = { type: 'content_block_delta', index: 3, delta: { type: 'input_json_delta', partial_json: '{}' } }
    expect((await failure([{ type: 'message_start', message: {} }, piece])).message).toBe("the model's stream: a piece of tool call 3 came before the call started")
  })
})

test('cancelling stops a stream that never answers, and closes it', async () => {
  let closed = false
  const silent: AsyncIterable<unknown> = {
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<unknown>>(() => {}),
      return: async () => {
        closed = true
        return { done: true, value: undefined }
      },
    }),
  }
  const controller = new AbortController()
  const reading = (async () => {
    for await (const _ of readTurn(silent, controller.signal));
  })()
  controller.abort(new Error('cancelled: the client went away'))
  await expect(reading).rejects.toThrow('cancelled: the client went away')
  expect(closed).toBe(true)
})
