// An agent's answer streamed token by token through mc's HTTP API, to the
// streaming guide's own clients (curl -N, and fetch with a reader loop that
// keeps `data: ` lines): the model is an http-client streaming from the
// tool-calling test upstream (OpenAI, then Anthropic), the tool a workflow.
// The upstream holds the final answer's last token until the test releases
// it, so "a token arrived before the answer was complete" needs no clock.

import { afterEach, describe, expect, test } from 'bun:test'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { composeDir, freePort, type McProcess, startMc } from '../../../support/mc.ts'
import { until } from '../../../support/task-streams.ts'
import { type ScriptedTurn, startToolCallingUpstream, type ToolCallingUpstream } from '../../../support/tool-calling-upstream.ts'
import { agentStreamCompose, type WireFormat } from './agent-stream-compose.ts'

// The polyfill the seed's EventSource example runs with (test/e2e/seed-clients.test.ts): it takes POST options.
const { EventSource } = createRequire(import.meta.url)('launchdarkly-eventsource')

const ANSWER = 'Il fait 18 °C à Zürich, grand soleil ☀️.'
const SCRIPT: ScriptedTurn[] = [{ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: { city: 'Zürich' } }] }, { text: ANSWER }]

let upstream: ToolCallingUpstream | undefined
let mc: McProcess | undefined
afterEach(async () => {
  upstream?.release()
  await mc?.stop()
  upstream?.stop()
})

async function serve(format: WireFormat, script = SCRIPT): Promise<{ upstream: ToolCallingUpstream; mc: McProcess }> {
  upstream = startToolCallingUpstream({ script, holdLastToken: true, pieceChars: 4 })
  const port = freePort()
  mc = await startMc(composeDir({ 'model-compose.yml': agentStreamCompose(port, format) }), ['-f', 'model-compose.yml'], port, { MODEL_URL: upstream.url, OPENAI_API_KEY: 'sk-test' })
  return { upstream, mc }
}

const runBody = (workflow: string) => JSON.stringify({ workflow_id: workflow, input: { question: 'What is the weather in Zürich?' }, output_only: true, wait_for_completion: true })

/** The guide's fetch client: each read split into lines, the `data: ` ones kept. */
async function guideFetch(url: string, workflow: string, onData: (data: string) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  const response = await fetch(`${url}/api/workflows/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: runBody(workflow), signal })
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  while (true) {
    const { done, value } = await reader.read()
    if (done) break
    for (const line of decoder.decode(value, { stream: true }).split('\n')) if (line.startsWith('data: ')) await onData(line.substring(6))
  }
}

type Json = Record<string, any>

/** The tool call and its result as the second request sent them back to the model, in either wire format. */
function roundTripSent(format: WireFormat, body: Json): { call: unknown; result: unknown } {
  const messages = body.messages as Json[]
  if (format === 'openai') {
    const call = messages.find((m) => m.role === 'assistant')!.tool_calls[0]
    const result = messages.find((m) => m.role === 'tool')!
    return { call: { id: call.id, name: call.function.name, arguments: JSON.parse(call.function.arguments) }, result: { id: result.tool_call_id, content: result.content } }
  }
  const call = messages.find((m) => m.role === 'assistant')!.content.find((b: Json) => b.type === 'tool_use')
  const result = messages.findLast((m) => m.role === 'user')!.content[0]
  return { call: { id: call.id, name: call.name, arguments: call.input }, result: { id: result.tool_use_id, content: result.content } }
}

describe.each<[string, WireFormat]>([
  ['OpenAI', 'openai'],
  ['Anthropic', 'anthropic'],
])('%s streaming model', (_name, format) => {
  test('curl -N shows the answer token by token, the first before the model has sent its last (sse-text)', async () => {
    const { upstream, mc } = await serve(format)
    const curl = Bun.spawn(['curl', '-sN', '-X', 'POST', `${mc.url}/api/workflows/runs`, '-H', 'Content-Type: application/json', '-d', runBody('answer')], { stdout: 'pipe' })
    const decoder = new TextDecoder()
    let output = ''
    let lastTokenUnsentAtFirst: boolean | undefined
    for await (const bytes of curl.stdout) {
      output += decoder.decode(bytes, { stream: true })
      if (lastTokenUnsentAtFirst === undefined && output.includes('data: ')) {
        lastTokenUnsentAtFirst = upstream.streams[1]?.lastTokenSent === false
        upstream.release()
      }
    }
    expect(await curl.exited).toBe(0)
    expect(lastTokenUnsentAtFirst).toBe(true)
    const data = output.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6))
    expect(data.join('')).toBe(ANSWER) // tool calls and results are not in the text
    expect(data.length).toBeGreaterThan(3)
    // The tool ran with the arguments the model streamed in pieces, and the call and its result went back to the model.
    expect(upstream.requests).toHaveLength(2)
    expect(roundTripSent(format, upstream.requests[1]!)).toEqual({
      call: { id: 'call_1', name: 'get_weather', arguments: { city: 'Zürich' } },
      result: { id: 'call_1', content: '18 °C and sunny in Zürich' },
    })
  })

  test('fetch + reader gets every event as JSON: tool_call, tool_result, then the text tokens (sse-json)', async () => {
    const { upstream, mc } = await serve(format)
    const events: { type: string; [key: string]: unknown }[] = []
    let lastTokenUnsentAtFirst: boolean | undefined
    await guideFetch(mc.url, 'events', (data) => {
      const event = JSON.parse(data)
      events.push(event)
      if (event.type === 'text' && lastTokenUnsentAtFirst === undefined) {
        lastTokenUnsentAtFirst = upstream.streams[1]?.lastTokenSent === false
        upstream.release()
      }
    })
    expect(lastTokenUnsentAtFirst).toBe(true)
    expect(events.find((e) => e.type === 'tool_call')).toEqual({ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Zürich' } })
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ type: 'tool_result', id: 'call_1', content: '18 °C and sunny in Zürich', is_error: false })
    const types = events.map((e) => e.type)
    expect(types.indexOf('tool_result')).toBeLessThan(types.indexOf('text'))
    expect(events.filter((e) => e.type === 'text').map((e) => e.text).join('')).toBe(ANSWER)
    expect(events.at(-1)).toEqual({ type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: ANSWER }] } })
  })

  test('EventSource (with POST options, as the guide writes it) gets the answer text, tool events left out', async () => {
    const { upstream, mc } = await serve(format)
    const source = new EventSource(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: runBody('answer') })
    let text = ''
    try {
      // The polyfill says `end` when the response ends (EventSource would reconnect next: a new run).
      await new Promise<void>((resolve, reject) => {
        source.onmessage = (event: { data: string }) => {
          text += event.data
          upstream.release()
        }
        source.addEventListener('end', () => resolve())
        source.onerror = (error: unknown) => reject(new Error(`EventSource failed: ${JSON.stringify(error)}`))
      })
    } finally {
      source.close()
    }
    expect(text).toBe(ANSWER)
  })

  test('tool arguments that are not JSON go back to the model as an error result; the run goes on', async () => {
    const { upstream, mc } = await serve(format, [{ toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city": "Zür' }] }, { text: ANSWER }])
    upstream.release()
    const events: { type: string; [key: string]: unknown }[] = []
    await guideFetch(mc.url, 'events', (data) => void events.push(JSON.parse(data)))
    expect(events.find((e) => e.type === 'tool_call')).toEqual({ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city": "Zür' })
    expect(events.find((e) => e.type === 'tool_result')).toMatchObject({ type: 'tool_result', id: 'call_1', is_error: true })
    expect(events.filter((e) => e.type === 'text').map((e) => e.text).join('')).toBe(ANSWER)
    expect(JSON.stringify(upstream.requests[1]!)).toContain('JSON')
  })

  test('a client that goes away mid-answer aborts the upstream request', async () => {
    const { upstream, mc } = await serve(format)
    const client = new AbortController()
    const reading = guideFetch(mc.url, 'answer', () => client.abort(), client.signal).catch((error) => error)
    await reading
    await until('the upstream stream to be cancelled', () => upstream.streams[1]?.cancelled === true, 20_000)
    expect(upstream.streams[1]!.finished).toBe(false)
    expect(mc.proc.exitCode).toBeNull()
  })
})
