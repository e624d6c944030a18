// The workflow engine on real components (shell, http-client against the
// local upstream): dependencies, parallel jobs, conditions, draining.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { createLogger } from '../../core/log.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { drain } from '../../core/stream/drain.ts'
import { isStream } from '../../core/stream/stream.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
beforeAll(() => {
  upstream = startUpstream()
})
afterAll(() => upstream.stop())

async function runtimeFor(text: string): Promise<Runtime> {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const dir = composeDir({ 'compose.yml': text })
  const { model } = await loadCompose({ files: [], env: { UPSTREAM: upstream.url }, registry, cwd: dir })
  return new Runtime(model, createLogger('test', () => {}))
}

const run = async (runtime: Runtime, id: string | undefined, input: unknown) => runtime.run(runtime.workflow(id), input, new AbortController().signal)

const SHELL = (id: string, command: string) => `  - id: ${id}\n    type: shell\n    command: ${JSON.stringify(command)}\n    output: \${stdout}\n`

describe('jobs', () => {
  test('independent jobs run at the same time', async () => {
    // Each job waits for the other's marker file: only concurrent jobs can both finish.
    const wait = (mine: string, theirs: string) =>
      `touch ${mine}; for i in $(seq 100); do [ -f ${theirs} ] && break; sleep 0.02; done; [ -f ${theirs} ] || { echo "never saw ${theirs}" >&2; exit 1; }`
    const runtime = await runtimeFor(`
workflow:
  jobs:
    - id: a
      component: a
    - id: b
      component: b
    - id: both
      component: join
      input: { a: "\${jobs.a.output}", b: "\${jobs.b.output}" }
      depends_on: [a, b]
components:
${SHELL('a', wait('a.mark', 'b.mark') + '; echo A')}${SHELL('b', wait('b.mark', 'a.mark') + '; echo B')}${SHELL('join', 'echo "${input.a}+${input.b}"')}`)
    expect(await run(runtime, undefined, {})).toBe('A+B')
  })

  test('a condition skips a job; its dependents are skipped too; output is the last job that ran', async () => {
    const runtime = await runtimeFor(`
workflow:
  output: { last: "\${output}", first: "\${jobs.first.output}" }
  jobs:
    - id: first
      component: say
      input: { word: one }
    - id: second
      component: say
      input: { word: two }
      condition: \${input.go == true}
      depends_on: [first]
    - id: third
      component: say
      input: { word: "\${jobs.second.output} three" }
components:
${SHELL('say', 'printf %s "${input.word}"')}`)
    expect(await run(runtime, undefined, { go: true })).toEqual({ last: 'two three', first: 'one' })
    expect(await run(runtime, undefined, { go: false })).toEqual({ last: 'one', first: 'one' })
  })

  test('a stream feeding a later job is drained first; only the final output streams', async () => {
    const runtime = await runtimeFor(`
workflows:
  - id: chain
    output: \${output as text;sse-text}
    jobs:
      - id: draft
        component: chat
        input: { prompt: "\${input.text}" }
      - id: polish
        component: chat
        input: { prompt: "\${jobs.draft.output}" }
components:
  - id: chat
    type: http-client
    endpoint: \${env.UPSTREAM}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
`)
    const output = await run(runtime, 'chain', { text: 'hi' })
    expect(isStream(output)).toBe(true)
    const chunks: unknown[] = []
    for await (const chunk of output as AsyncIterable<unknown>) chunks.push(chunk)
    // The second call received the first one's whole text as its prompt.
    expect(chunks.join('')).toBe('You said: You said: hi')
    expect(chunks.length).toBeGreaterThan(3)
  })

  test('one failing job fails the run with its error', async () => {
    const runtime = await runtimeFor(`
workflow:
  jobs:
    - id: ok
      component: ok
    - id: bad
      component: bad
components:
${SHELL('ok', 'echo fine')}${SHELL('bad', 'sleep 5')}    timeout: 0.2\n`)
    await expect(run(runtime, undefined, {})).rejects.toThrow('command timed out after 0.2s: sh')
  })

  test('component max_concurrent_count: runs beyond it wait their turn', async () => {
    const runtime = await runtimeFor(`
component:
  type: shell
  max_concurrent_count: 1
  command: 'if [ -f busy ]; then echo overlap; exit 1; fi; touch busy; sleep 0.1; rm busy; echo ok'
  output: \${stdout}
`)
    const results = await Promise.all([1, 2, 3].map(() => run(runtime, undefined, {})))
    expect(results).toEqual(['ok', 'ok', 'ok'])
  })

  test('a job output template can reshape a component result', async () => {
    const runtime = await runtimeFor(`
workflow:
  jobs:
    - component: api
      input: { q: "\${input.q}" }
      output: { text: "\${output.text}", size: "\${output.received.q as integer}" }
component:
  id: api
  type: http-client
  endpoint: \${env.UPSTREAM}/json?text=hello
  method: POST
  body: { q: "\${input.q}" }
`)
    expect(await run(runtime, undefined, { q: '42' })).toEqual({ text: 'hello', size: 42 })
  })
})

describe('drain', () => {
  test('strings concatenate; other chunks are listed', async () => {
    async function* gen(items: unknown[]) {
      yield* items
    }
    expect(await drain(gen(['a', 'b']))).toBe('ab')
    expect(await drain(gen([{ x: 1 }, 'b']))).toEqual([{ x: 1 }, 'b'])
  })
})
