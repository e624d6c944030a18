// http-client details, in process against the local upstream: actions, bodies,
// query parameters, text streams with characters split across reads.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { loadCompose } from '../../../core/compose/load.ts'
import { createLogger } from '../../../core/log.ts'
import { PluginRegistry } from '../../../core/plugin/registry.ts'
import { Runtime } from '../../../core/runtime/runtime.ts'
import { drain } from '../../../core/stream/drain.ts'
import { isStream } from '../../../core/stream/stream.ts'
import { registerBuiltins } from '../../../plugins/index.ts'
import { composeDir } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

async function run(compose: string, workflowId: string | undefined, input: unknown) {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const { model } = await loadCompose({ files: [], env: { U: upstream.url }, registry, cwd: composeDir({ 'compose.yml': compose }) })
  const runtime = new Runtime(model, createLogger('test', () => {}))
  return runtime.run(runtime.workflow(workflowId), input, new AbortController().signal)
}

test('a component with several actions: each job picks one; component keys are their defaults', async () => {
  const compose = `
workflows:
  - id: both
    output: { upper: "\${jobs.a.output}", lower: "\${jobs.b.output}" }
    jobs:
      - id: a
        component: api
        action: shout
        input: { word: "\${input.word}" }
      - id: b
        component: api
        action: whisper
        input: { word: "\${input.word}" }
components:
  - id: api
    type: http-client
    base_url: \${env.U}
    path: /json
    method: POST
    actions:
      - id: shout
        params: { text: "\${input.word}!" }
        output: \${response.text}
      - id: whisper
        params: { text: "(\${input.word})" }
        output: \${response.text}
`
  expect(await run(compose, 'both', { word: 'hey' })).toEqual({ upper: 'hey!', lower: '(hey)' })
})

test('form bodies are sent url-encoded; query params and headers as given', async () => {
  const compose = `
component:
  type: http-client
  endpoint: \${env.U}/json
  params: { key: form, n: 3 }
  headers: { content-type: application/x-www-form-urlencoded, x-trace: "\${input.trace}" }
  body: { name: "\${input.name}", lang: ko }
`
  await run(compose, undefined, { name: '김 철수', trace: 't-1' })
  const stats = upstream.stats('form')
  expect(stats.bodies[0]).toEqual({ raw: 'name=%EA%B9%80+%EC%B2%A0%EC%88%98&lang=ko' })
  expect(stats.headers[0]!['x-trace']).toBe('t-1')
  expect(stats.headers[0]!['content-type']).toBe('application/x-www-form-urlencoded')
})

test('stream_format text: a character split between two network reads is never broken', async () => {
  // gate=1: each write (each half of a split token) waits until the previous piece came out of
  // the stream, so every write is one network read and the pieces below do not depend on timing.
  const tokens = ['a한국어', ' b中文', ' c🎉', ' done']
  const compose = `
component:
  type: http-client
  endpoint: \${env.U}/text
  params: { chunks: "\${input.chunks}", split: 1, gate: 1, key: text-split }
  stream_format: text
  output: \${response[]}
`
  const output = await run(compose, undefined, { chunks: JSON.stringify(tokens) })
  expect(isStream(output)).toBe(true)
  const chunks: string[] = []
  for await (const chunk of output as AsyncIterable<string>) {
    chunks.push(chunk)
    upstream.release('text-split')
  }
  // Each token is cut inside its first multi-byte character: the half character waits for the rest.
  expect(chunks).toEqual(['a', '한국어', ' b', '中文', ' c', '🎉', ' d', 'one'])
})

test('without stream_format a text body is one string and JSON one value', async () => {
  const text = `
component:
  type: http-client
  endpoint: \${env.U}/text?text=whole%20answer
`
  expect(await run(text, undefined, {})).toBe('whole answer')
  const whole = `
component:
  type: http-client
  endpoint: \${env.U}/v1/chat/completions
  body: { messages: [{ role: user, content: hi }] }
  output: \${response.choices[0].message.content}
`
  expect(await run(whole, undefined, {})).toBe('You said: hi')
})

test('stream_format json over NDJSON skips lines that are not JSON', async () => {
  const compose = `
component:
  type: http-client
  endpoint: \${env.U}/text
  params: { chunks: '["{\\"token\\": \\"a\\"}\\n", "not json\\n", "{\\"tok", "en\\": \\"b\\"}\\n"]' }
  stream_format: json
  output: \${response[].token}
`
  expect(await drain((await run(compose, undefined, {})) as AsyncIterable<unknown>)).toBe('ab')
})
