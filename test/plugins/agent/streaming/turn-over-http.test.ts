// readTurn over the wire: the tool-calling test upstream streams a turn over
// real HTTP, one event per network write, multi-byte characters cut between
// writes; mc's own http-client reads it (with stream_format unset and json)
// and readTurn puts the turn back together, tokens first.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createLogger } from '../../../../core/log.ts'
import { readTurn, type TurnEvent } from '../../../../plugins/agent/streaming/turn.ts'
import httpClient from '../../../../plugins/http-client/index.ts'
import { startToolCallingUpstream, type ScriptedTurn, type ToolCallingUpstream } from '../../../support/tool-calling-upstream.ts'

const TURNS: ScriptedTurn[] = [
  { text: 'Un instant… je vérifie ☀️', toolCalls: [{ id: 'call_é', name: 'get_weather', arguments: { city: 'Zürich', country: 'Schweiz 🇨🇭' } }] },
  { text: 'À Zürich il fait 18 °C — un temps magnifique ☀️.' },
]

// An http-client on its own: it never runs other components or workflows.
const notHere = () => {
  throw new Error('not in this test')
}
const client = httpClient.create({}, { id: 'model', log: createLogger('test', () => {}), env: {}, baseDir: '.', runWorkflow: notHere, runComponent: notHere, workflowTool: notHere })

async function turnOver(upstream: ToolCallingUpstream, path: string, streamFormat?: 'json'): Promise<TurnEvent[]> {
  const action = { endpoint: `${upstream.url}${path}`, method: 'POST', body: { model: 'm', stream: true, messages: [] }, ...(streamFormat ? { stream_format: streamFormat } : {}) }
  const signal = new AbortController().signal
  const { response } = await client.run(action as never, { signal, log: createLogger('test', () => {}), input: {} })
  const events: TurnEvent[] = []
  for await (const event of readTurn(response as AsyncIterable<unknown>, signal)) events.push(event)
  return events
}

describe.each([
  ['OpenAI', '/v1/chat/completions'],
  ['Anthropic', '/v1/messages'],
])('%s streaming, through the http-client', (_name, path) => {
  let upstream: ToolCallingUpstream
  beforeAll(() => {
    upstream = startToolCallingUpstream({ script: [...TURNS, ...TURNS], pieceChars: 3, delayMs: 2 })
  })
  afterAll(() => upstream.stop())

  test.each([['unset'], ['json']])('stream_format %s: tokens, then the tool call whole, then the final answer', async (format) => {
    const first = await turnOver(upstream, path, format === 'json' ? 'json' : undefined)
    expect(first.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['Un', ' instant…', ' je', ' vérifie', ' ☀️'])
    expect(first.at(-1)).toEqual({
      type: 'message',
      message: {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Un instant… je vérifie ☀️' },
          { type: 'tool_call', id: 'call_é', name: 'get_weather', arguments: { city: 'Zürich', country: 'Schweiz 🇨🇭' } },
        ],
      },
    })
    const second = await turnOver(upstream, path, format === 'json' ? 'json' : undefined)
    expect(second.at(-1)).toEqual({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: TURNS[1]!.text! }] } })
    expect(upstream.streams.at(-1)).toMatchObject({ finished: true, cancelled: false })
  })
})
