// The `workflow` component (model-compose's `type: workflow`): one workflow
// running another of the same file, through a real `mc up` / `mc run`. A
// stream passes through token by token, and a client going away cancels the
// inner workflow's upstream request.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'
import { eventReader } from '../../support/task-streams.ts'

let upstream: Upstream
let mc: McProcess

/** The shape of model-compose's workflow-queue/stream/dispatcher: a dispatcher workflow whose one job runs `chat`. */
const compose = (port: number) => `
controller:
  port: ${port}
workflows:
  - id: dispatcher
    default: true
    output: \${output as text;sse-text}
    jobs:
      - component: run-chat
  - id: chat
    output: \${output}
    jobs:
      - component: openai
        input:
          prompt: \${input.prompt}
          key: \${input.key}
components:
  - id: run-chat
    type: workflow
    action:
      workflow: chat
      input:
        prompt: \${input.prompt as text}
        key: \${input.key}
  - id: openai
    type: http-client
    endpoint: \${env.U}/v1/chat/completions?gate=1&key=\${input.key}
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
`

beforeAll(async () => {
  upstream = startUpstream()
  const port = freePort()
  mc = await startMc(composeDir({ 'compose.yml': compose(port) }), [], port, { U: upstream.url })
})
afterAll(async () => {
  await mc.stop()
  upstream.stop()
})

const dispatch = (key: string, signal?: AbortSignal) =>
  fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: 'dispatcher', input: { prompt: 'one two three', key }, output_only: true }),
    ...(signal ? { signal } : {}),
  })

describe('a workflow component', () => {
  test('passes the other workflow\'s stream through token by token', async () => {
    // The upstream sends each token only once the one before reached this client:
    // a relay that gathered the stream before passing it on would get nothing.
    upstream.release('relay')
    const response = await dispatch('relay', AbortSignal.timeout(10_000))
    expect(response.headers.get('content-type')).toContain('text/event-stream')
    const next = eventReader(response.body!)
    const received: string[] = []
    for (;;) {
      const event = await next()
      if (event === undefined) break
      received.push(event)
      upstream.release('relay')
      if (event === ' three') upstream.release('relay') // the finish event, then [DONE]
    }
    expect(received).toEqual(['You', ' said:', ' one', ' two', ' three'])
  })

  test('a client that goes away cancels the inner workflow\'s upstream request', async () => {
    upstream.release('cancel')
    const abort = new AbortController()
    const response = await dispatch('cancel', abort.signal)
    expect(await eventReader(response.body!)()).toBe('You')
    abort.abort()
    const deadline = Date.now() + 5000
    while (upstream.stats('cancel').cancelledAt === undefined && Date.now() < deadline) await Bun.sleep(20)
    expect(upstream.stats('cancel').cancelledAt).toBeDefined()
  })
})

describe('keys', () => {
  const run = (yaml: string, args: string[]) => runMc(['run', ...args], { cwd: composeDir({ 'compose.yml': yaml }) })
  const upper = `
  - id: upper
    type: shell
    command: [sh, -c, 'printf %s "$0" | tr a-z A-Z', "\${input.word}"]
    output: \${result.stdout}
`

  test('without "input" the other workflow gets the component\'s own input; its value is ${output}', async () => {
    const result = await run(
      `
workflows:
  - id: main
    jobs:
      - component: call-shout
        input: { word: "\${input.word}" }
  - id: shout
    jobs:
      - component: upper
components:
  - id: call-shout
    type: workflow
    workflow: shout
    output: { got: "\${output}" }
${upper}`,
      ['main', '-i', '{"word": "quiet"}'],
    )
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout)).toEqual({ got: 'QUIET' })
  })

  test('without "workflow" (or with "__default__") it runs the default workflow', async () => {
    const yaml = (workflow: string) => `
workflows:
  - id: main
    jobs:
      - component: call
  - id: shout
    default: true
    jobs:
      - component: upper
        input: { word: hello }
components:
  - id: call
    type: workflow
    ${workflow}
${upper}`
    for (const workflow of ['input: {}', 'workflow: __default__']) {
      expect(await run(yaml(workflow), ['main'])).toEqual({ code: 0, stdout: 'HELLO\n', stderr: '' })
    }
  })

  test('an unknown workflow, or a workflow that runs itself, is one line naming the component', async () => {
    const unknown = await run('workflow:\n  component: call\ncomponent:\n  id: call\n  type: workflow\n  workflow: nope\n', [])
    // Found when the file loads, as model-compose 0.4.92 does (issue 20, point 10).
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'mc | error: compose.yml:6:13: components[0].workflow: unknown workflow "nope" (workflows: __default__)\n' })
    const itself = await run('workflow:\n  id: loop\n  component: call\ncomponent:\n  id: call\n  type: workflow\n  workflow: loop\n', [])
    expect(itself).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mc | error: component "call": workflows nest more than 32 deep through workflow components; does workflow "loop" run itself?\n',
    })
  })
})
