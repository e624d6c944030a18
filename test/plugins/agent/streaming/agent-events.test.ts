// The events a streaming agent run gives its client: JSON objects with a
// `type`, tool calls and results flat (the result named after its call),
// every whole message too, and turns' texts set apart by a blank line.

import { expect, test } from 'bun:test'
import { agentEventStream, type AgentStreamEvent, type LoopEvent } from '../../../../plugins/agent/streaming/agent-events.ts'

const CALL = { type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } } as const
const RESULT = { type: 'tool_result', id: 'c1', content: '18 °C' } as const
const TOOL_MESSAGE = { role: 'tool', content: [RESULT] }

async function* loop(): AsyncGenerator<LoopEvent> {
  yield { type: 'text', text: 'Let me check.' }
  yield { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, CALL] } }
  yield { type: 'tool_call', call: CALL }
  yield { type: 'tool_result', result: RESULT, message: TOOL_MESSAGE }
  yield { type: 'text', text: '' }
  yield { type: 'text', text: 'It is' }
  yield { type: 'text', text: ' 18 °C.' }
  yield { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'It is 18 °C.' }] } }
}

test('a run as its client sees it: text pieces, whole messages, the tool call and its result', async () => {
  const events: AgentStreamEvent[] = []
  for await (const event of agentEventStream(loop())) events.push(event)
  expect(events.map((e) => e.type)).toEqual(['text', 'message', 'tool_call', 'tool_result', 'message', 'text', 'text', 'text', 'message'])
  expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('Let me check.\n\nIt is 18 °C.')
  expect(events[2]).toEqual({ type: 'tool_call', id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } })
  expect(events[3]).toEqual({ type: 'tool_result', id: 'c1', name: 'get_weather', content: '18 °C', is_error: false })
  expect(events[4]).toEqual({ type: 'message', message: TOOL_MESSAGE })
  expect(JSON.parse(JSON.stringify(events))).toEqual(events) // plain JSON, as sse-json sends each
})

test('a model that does not stream: each turn\'s text comes as one piece, before its message', async () => {
  async function* whole(): AsyncGenerator<LoopEvent> {
    yield { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, CALL] } }
    yield { type: 'tool_call', call: CALL }
    yield { type: 'tool_result', result: RESULT, message: TOOL_MESSAGE }
    yield { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'It is 18 °C.' }] } }
  }
  const events: AgentStreamEvent[] = []
  for await (const event of agentEventStream(whole())) events.push(event)
  expect(events.map((e) => e.type)).toEqual(['text', 'message', 'tool_call', 'tool_result', 'message', 'text', 'text', 'message'])
  expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text)).toEqual(['Let me check.', '\n\n', 'It is 18 °C.'])
})
