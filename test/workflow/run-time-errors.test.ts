// Run-time errors say where and what to do (issue 24, point 3): the binding's
// file:line:col with the job and component ids, did-you-mean for input names
// and reply paths, the origin and key of an upstream that does not answer, the
// `timeout` that ran out, the unset credential behind a 401 — on real
// components (shell, http-client) against local servers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { loadCompose } from '../../core/compose/load.ts'
import { createLogger } from '../../core/log.ts'
import { PluginRegistry } from '../../core/plugin/registry.ts'
import { Runtime } from '../../core/runtime/runtime.ts'
import { registerBuiltins } from '../../plugins/index.ts'
import { composeDir, freePort } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
/** Takes requests and never answers them. */
let silent: ReturnType<typeof Bun.serve>
beforeAll(() => {
  upstream = startUpstream()
  silent = Bun.serve({ port: 0, hostname: '127.0.0.1', idleTimeout: 0, fetch: () => new Promise<Response>(() => {}) })
})
afterAll(() => {
  upstream.stop()
  silent.stop(true)
})

async function runtimeFor(text: string, env: Record<string, string> = {}): Promise<{ runtime: Runtime; logs: string[] }> {
  const registry = new PluginRegistry()
  registerBuiltins(registry)
  const dir = composeDir({ 'compose.yml': text })
  const { model } = await loadCompose({ files: [], env: { UPSTREAM: upstream.url, ...env }, registry, cwd: dir })
  const logs: string[] = []
  return { runtime: new Runtime(model, createLogger('test', (line) => logs.push(line))), logs }
}

/** The message the run fails with. */
async function failure(runtime: Runtime, input: unknown, id?: string): Promise<string> {
  try {
    await runtime.run(runtime.workflow(id), input, new AbortController().signal)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the run did not fail')
}

const CHAT = (output: string, extra = '') => `
components:
  - id: gpt
    type: http-client
    base_url: \${env.UPSTREAM}
    headers: { Authorization: "Bearer \${env.OPENAI_API_KEY}" }
    action:
      path: /v1/chat/completions${extra}
      method: POST
      body: { messages: [{ role: user, content: "\${input.prompt}" }] }
      output: ${output}
workflows:
  - id: ask
    jobs:
      - id: answer
        component: gpt
        input: { prompt: "\${input.prompt @(required true)}" }
`

describe('bindings', () => {
  test('a required input the request misspells: place, did-you-mean, job and component', async () => {
    const { runtime } = await runtimeFor(CHAT('${response}').replace('${input.prompt @(required true)}', '${input.promt @(required true)}'))
    expect(await failure(runtime, { prompt: 'hi' })).toBe('input.promt: is required (did you mean input.prompt?) at compose.yml:17:26 (job answer, component gpt)')
  })

  test('a value that cannot take the type a binding asks for names the binding', async () => {
    const { runtime } = await runtimeFor(`
component:
  type: shell
  command: [echo, "\${input.n}"]
  output: \${stdout as integer}
`)
    expect(await failure(runtime, { n: 'many' })).toBe('expected a number, got "many" at compose.yml:5:11')
  })
})

describe('reply paths', () => {
  test('a typo of a key the reply has fails the run, suggesting it', async () => {
    const { runtime } = await runtimeFor(CHAT('${response.choices[0].mesage.content}'))
    expect(await failure(runtime, { prompt: 'hi' })).toBe(
      'response.choices[0].mesage: the reply has no "mesage" (did you mean response.choices[0].message?; it has: index, message, logprobs, finish_reason) at compose.yml:11:15 (job answer, component gpt)',
    )
  })

  test('a key the reply lacks, with nothing like it: null, and one warning for the binding', async () => {
    const { runtime, logs } = await runtimeFor(CHAT('{ text: "${response.choices[0].message.content}", calls: "${response.choices[0].message.tool_calls}" }'))
    for (let i = 0; i < 2; i++) expect(await runtime.run(runtime.workflow('ask'), { prompt: 'a b' }, new AbortController().signal)).toEqual({ text: 'You said: a b', calls: null })
    const warnings = logs.filter((line) => line.includes('tool_calls'))
    expect(warnings).toEqual([
      'gpt | warning: response.choices[0].message.tool_calls: the reply has no "tool_calls" (it has: role, content, refusal) at compose.yml:11:72; the binding gives null (add "| default" if the key is optional)\n',
    ])
  })

  test('a binding with a default says the key may be absent: no warning', async () => {
    const { runtime, logs } = await runtimeFor(CHAT('${response.choices[0].message.tool_calls | "none"}'))
    expect(await runtime.run(runtime.workflow('ask'), { prompt: 'x' }, new AbortController().signal)).toBe('none')
    expect(logs.filter((line) => line.includes('warning'))).toEqual([])
  })
})

describe('upstreams', () => {
  test('nothing listening: the origin, the key it came from, the job and the component', async () => {
    const port = freePort()
    const { runtime } = await runtimeFor(CHAT('${response}'), { UPSTREAM: `http://127.0.0.1:${port}` })
    expect(await failure(runtime, { prompt: 'hi' })).toBe(
      `upstream POST http://127.0.0.1:${port}/v1/chat/completions: request failed: ECONNREFUSED — nothing answers at http://127.0.0.1:${port} (base_url at compose.yml:5:15): is it running? (job answer, component gpt)`,
    )
  })

  test('a silent upstream names the timeout that ran out, its value and where it is set', async () => {
    const text = CHAT('${response}').replace('      method: POST', '      method: POST\n      timeout: 0.2s')
    const { runtime } = await runtimeFor(text, { UPSTREAM: `http://127.0.0.1:${silent.port}` })
    expect(await failure(runtime, { prompt: 'hi' })).toBe(
      `upstream POST http://127.0.0.1:${silent.port}/v1/chat/completions did not answer within 0.2s — "timeout" is "0.2s" (compose.yml:10:16): raise it to wait longer (job answer, component gpt)`,
    )
  })

  test('a 401 names the credential variable the component reads that is not set', async () => {
    const { runtime } = await runtimeFor(CHAT('${response}', '?fail=1&status=401&key=unset'))
    const message = await failure(runtime, { prompt: 'hi' })
    expect(message).toStartWith(`upstream POST ${upstream.url}/v1/chat/completions answered 401 Unauthorized: `)
    expect(message).toEndWith(' — OPENAI_API_KEY is not set (job answer, component gpt)')
  })

  test('a 401 with the variable set says nothing of it, and never its value', async () => {
    const { runtime } = await runtimeFor(CHAT('${response}', '?fail=1&status=401&key=set'), { OPENAI_API_KEY: 'sk-wrong-but-secret-123' })
    const message = await failure(runtime, { prompt: 'hi' })
    expect(message).not.toContain('OPENAI_API_KEY')
    expect(message).not.toContain('sk-wrong-but-secret-123')
    expect(message).toEndWith('(job answer, component gpt)')
  })
})

describe('workflow ids', () => {
  test('an unknown id lists the ids clients may run, with did-you-mean; a private one is not listed', async () => {
    const { runtime } = await runtimeFor(`
components:
  - { id: say, type: shell, command: [echo, hi], output: "\${stdout}" }
workflows:
  - { id: generator, job: { component: say } }
  - { id: summary, job: { component: say } }
  - { id: inner, private: true, job: { component: say } }
`)
    expect(() => runtime.workflow('generate')).toThrow('unknown workflow "generate" (did you mean "generator"?; workflows: generator, summary)')
    expect(() => runtime.workflow('zzz')).toThrow('unknown workflow "zzz" (workflows: generator, summary)')
    expect(() => runtime.workflow(undefined)).toThrow('workflow_id is needed: there are several workflows and none is marked default (workflows: generator, summary)')
  })
})
