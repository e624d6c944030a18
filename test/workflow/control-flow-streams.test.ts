// Streams through control-flow jobs: a branch that streams hands its chunks on
// as the upstream writes them, in process and through a real `mc up`; a
// cancelled run stops the upstream; a routing loop under `mc run`. Real
// components: shell commands, and http-client against the local upstream.
// The helpers are in control-flow-harness.ts.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { isStream } from '../../core/stream/stream.ts'
import { composeDir, freePort, runMc, startMc } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { collect, lines, loaders, run, say, shell } from './control-flow-harness.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

const { runtimeFor } = loaders(() => ({ U: upstream.url }))

describe('streams through routing', () => {
  const chat = (key: string, extra = '') => `
  - id: chat
    type: http-client
    endpoint: \${env.U}/v1/chat/completions?key=${key}${extra}
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}`

  test('an if that picks a streaming job: its chunks come as the upstream writes them', async () => {
    const runtime = await runtimeFor(`
workflow:
  output: \${output as text;sse-text}
  jobs:
      - { id: route, type: if, input: "\${input.mode}", value: talk, if_true: talk, if_false: quiet }
      - { id: talk, component: chat, input: { prompt: "\${input.prompt}" } }
${say('quiet', 'silence')}
components:${chat('if-gate', '&gate=1')}`)
    const output = await run(runtime, undefined, { mode: 'talk', prompt: 'one two three' })
    expect(isStream(output)).toBe(true)
    const chunks = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    // Every write after the first waits for a release: a stream drained before it is handed on
    // would never give its first chunk.
    const first = await Promise.race([chunks.next(), Bun.sleep(5000).then(() => 'no chunk within 5 s')])
    expect(first).toEqual({ done: false, value: '' }) // the role-only delta
    for (let i = 0; i < 20; i++) upstream.release('if-gate')
    const texts = await collect({ [Symbol.asyncIterator]: () => chunks })
    expect(texts.join('')).toBe('You said: one two three')
    expect(texts.length).toBeGreaterThan(3)
    expect(await run(runtime, undefined, { mode: 'no', prompt: 'x' })).toBe('silence')
  })

  test('a branch that fails fails the run with its error; a cancelled run stops the upstream', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: failing
    jobs:
      - { id: route, type: switch, input: "\${input.to}", cases: [{ value: chat, then: talk }] }
      - { id: talk, component: chat }
  - id: slow
    output: \${output as text;sse-text}
    jobs:
      - { id: route, type: switch, input: "\${input.to}", cases: [{ value: chat, then: talk }] }
      - { id: talk, component: slow }
components:${chat('failing', '&fail=9&status=500')}
    max_retries: 0
${chat('slow', '&delay_ms=200').replace('id: chat', 'id: slow')}`)
    await expect(run(runtime, 'failing', { to: 'chat', prompt: 'hi' })).rejects.toThrow('try again later')
    const cancel = new AbortController()
    const output = await run(runtime, 'slow', { to: 'chat', prompt: 'a b c d e f g h' }, cancel.signal)
    const chunks = (output as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    await chunks.next()
    cancel.abort(new Error('client gone'))
    await chunks.return?.()
    const deadline = Date.now() + 3000
    while (upstream.stats('slow').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(10)
    expect(upstream.stats('slow').cancelledAt).toBeDefined()
    expect(upstream.stats('slow').eventsSent).toBeLessThan(6)
  })
})

describe('a real mc process', () => {
  test('mc up: a switch that picks a streaming job streams it to the client, chunk by chunk; a client gone stops it', async () => {
    const port = freePort()
    const events = encodeURIComponent(JSON.stringify(['data: one\n\n', 'data: two\n\n', 'data: three\n\n']))
    const mc = await startMc(composeDir({ 'compose.yml': `
controller: { port: ${port} }
workflows:
  - id: route
    default: true
    output: \${output as text;sse-text}
    jobs:
      - { id: pick, type: switch, input: "\${input.to}", cases: [{ value: events, then: events }, { value: slow, then: slow }], otherwise: quiet }
      - { id: events, component: events }
      - { id: slow, component: slow }
      - { id: quiet, type: filter, output: quiet }
components:
  - { id: events, type: http-client, endpoint: "${upstream.url}/sse?gate=1&key=up-gate&chunks=${events}" }
  - { id: slow, type: http-client, endpoint: "${upstream.url}/text?delay_ms=200&tokens=50&key=up-slow", stream_format: text, output: "\${response[]}" }
` }), [], port)
    try {
      const ask = (to: string, signal?: AbortSignal) =>
        fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { to }, output_only: true }), ...(signal ? { signal } : {}) })
      const response = await ask('events')
      expect(response.headers.get('content-type')).toStartWith('text/event-stream')
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let text = ''
      const readUntil = async (want: string) => {
        const deadline = Date.now() + 5000
        while (!text.includes(want)) {
          const piece = await Promise.race([reader.read(), Bun.sleep(Math.max(0, deadline - Date.now())).then(() => undefined)])
          if (piece === undefined) throw new Error(`"${want}" did not come within 5 s; got ${JSON.stringify(text)}`)
          if (piece.done) break
          text += decoder.decode(piece.value, { stream: true })
        }
      }
      // "two" and "three" are held back by the upstream until released: "one" reached the client alone.
      await readUntil('data: one')
      expect(text).not.toContain('two')
      upstream.release('up-gate')
      upstream.release('up-gate')
      await readUntil('data: three')
      expect(text).toContain('data: two')

      const gone = new AbortController()
      const slow = await ask('slow', gone.signal)
      await slow.body!.getReader().read()
      gone.abort()
      const deadline = Date.now() + 3000
      while (upstream.stats('up-slow').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(10)
      expect(upstream.stats('up-slow').cancelledAt).toBeDefined()
      expect(upstream.stats('up-slow').eventsSent).toBeLessThan(25)
    } finally {
      await mc.stop()
    }
  })

  test('mc run: a routing loop to its end; mc validate: a hook is one line and exit 1', async () => {
    const dir = composeDir({
      'compose.yml': `
workflow:
  jobs:
      - { id: start, type: switch, otherwise: work }
      - { id: work, component: count }
      - { id: check, type: if, input: "\${jobs.work.output as integer}", operator: lt, value: "\${input.times}", if_true: work, if_false: finish }
${say('finish', 'done after ${jobs.work.output}')}
components:
${shell('count', 'echo x >> count.txt; wc -l < count.txt | tr -d " "')}`,
      'hook.yml': 'component:\n  type: shell\n  command: "true"\nworkflow:\n  jobs:\n    - id: a\n      hook: { after: { script: x } }\n',
    })
    const result = await runMc(['run', '-i', '{"times": 4}'], { cwd: dir })
    expect(result).toMatchObject({ code: 0, stdout: 'done after 4\n' })
    expect(lines(dir, 'count.txt')).toHaveLength(4)
    const invalid = await runMc(['validate', '-f', 'hook.yml'], { cwd: dir })
    expect(invalid.code).toBe(1)
    expect(invalid.stderr.trim().split('\n')).toEqual([
      'mc | error: hook.yml:7:7: workflow.jobs[0].hook: "hook" is a model-compose job key that mc cannot honour: it runs inline Python before or after the job, and mc runs no Python',
    ])
  })
})
