// A running `mc up` says what happens to runs (issue 24, point 2): one line
// per run — time, workflow, task id, status, duration, first-chunk time, the
// error's detail — in the terminal and in the background log (`mc logs [-f]`),
// secrets masked; `-v` adds a line per job.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test'
import { composeDir, freePort, MC, runMc, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const SECRET = 'sk-run-log-secret-8080'
const ISO = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
const TASK = String.raw`[0-9A-HJKMNP-TV-Z]{26}`

let upstream: Upstream
/** Answers 401 quoting the Authorization header it got, as some providers do. */
let denying: ReturnType<typeof Bun.serve>
beforeAll(() => {
  upstream = startUpstream()
  denying = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (request) => Response.json({ error: { message: `Incorrect API key provided: ${request.headers.get('authorization')}` } }, { status: 401 }),
  })
})
afterAll(() => {
  upstream.stop()
  denying.stop(true)
})

/** `stream`: an OpenAI stream relayed as it arrives; `denied`: an upstream that answers 401; `echo`: a shell command. */
const compose = (port: number) => `controller:
  port: ${port}
workflows:
  - id: stream
    output: \${output as text;sse-text}
    job: { component: chat }
  - id: denied
    job: { component: denied }
  - id: echo
    default: true
    job: { component: echo }
  - id: sleepy
    job: { component: sleeper }
components:
  - id: chat
    type: http-client
    endpoint: ${upstream.url}/v1/chat/completions
    body: { stream: true, messages: [{ role: user, content: "\${input.prompt @(required true)}" }] }
    stream_format: json
    output: \${response[].choices[0].delta.content}
  - id: denied
    type: http-client
    endpoint: http://127.0.0.1:${denying.port}/v1/chat/completions
    headers: { Authorization: "Bearer \${env.OPENAI_API_KEY}" }
    body: { messages: [] }
    output: \${response.choices[0].message.content}
  - id: echo
    type: shell
    command: [printf, ok]
    output: \${stdout}
  - id: sleeper
    type: shell
    command: [sleep, "30"]
`

const run = (api: string, workflow: string, input: object = {}) =>
  fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input, output_only: workflow === 'stream' }) }).then(async (r) => ({ status: r.status, text: await r.text() }))

/** Waits (10 s at most) until `read()` matches `pattern`; returns the match. */
async function lineOf(read: () => string, pattern: RegExp): Promise<string> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const found = pattern.exec(read())
    if (found) return found[0]
    if (Date.now() > deadline) throw new Error(`no line like ${pattern} in:\n${read()}`)
    await Bun.sleep(25)
  }
}

describe('mc up in the terminal', () => {
  let mc: McProcess
  let quiet: McProcess
  beforeAll(async () => {
    const port = freePort()
    mc = await startMc(composeDir({ 'compose.yml': compose(port) }), ['-v'], port, { OPENAI_API_KEY: SECRET })
    const quietPort = freePort()
    quiet = await startMc(composeDir({ 'compose.yml': compose(quietPort) }), [], quietPort)
  })
  afterAll(async () => {
    await Promise.all([mc?.stop(), quiet?.stop()])
  })

  test('a streamed run: time, workflow, task id, completed, duration, first chunk', async () => {
    const answer = await run(mc.api, 'stream', { prompt: 'hello' })
    expect(answer).toEqual({ status: 200, text: expect.any(String) })
    const line = await lineOf(mc.logs, new RegExp(`^mc \\| ${ISO} run stream \\(task ${TASK}\\) completed in \\d+\\.\\d{3} s, first chunk after \\d+\\.\\d{3} s$`, 'm'))
    expect(answer.text).toContain(/\(task (\S+)\)/.exec(line)![1]!)
  })

  test('a failed run (upstream 401, mc 502) says why, with the key masked', async () => {
    const answer = await run(mc.api, 'denied')
    expect(answer.status).toBe(502)
    const line = await lineOf(mc.logs, new RegExp(`^mc \\| ${ISO} run denied \\(task ${TASK}\\) failed in \\d+\\.\\d{3} s: .*401.*$`, 'm'))
    expect(line).toContain('Incorrect API key provided')
    expect(mc.logs()).not.toContain(SECRET)
  })

  test('a run refused for its input (422) has its line too', async () => {
    const answer = await run(mc.api, 'stream', {})
    expect(answer.status).toBe(422)
    const line = await lineOf(mc.logs, new RegExp(`^mc \\| ${ISO} run stream \\(task ${TASK}\\) failed in \\d+\\.\\d{3} s: input\\.prompt: is required.*$`, 'm'))
    expect(line).toEndWith(`: ${(JSON.parse(answer.text) as { detail: string }).detail}`)
  })

  test('a cancelled run says so', async () => {
    const started = (await (await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'sleepy', input: {}, wait_for_completion: false }) })).json()) as { task_id: string }
    expect((await fetch(`${mc.api}/tasks/${started.task_id}/cancel`, { method: 'POST' })).status).toBeLessThan(300)
    await lineOf(mc.logs, new RegExp(`^mc \\| ${ISO} run sleepy \\(task ${started.task_id}\\) cancelled in \\d+\\.\\d{3} s$`, 'm'))
  })

  test('-v adds a line per job; without -v there is none', async () => {
    await run(mc.api, 'echo')
    await lineOf(mc.logs, new RegExp(`^mc \\| debug: ${ISO} job echo/\\S+ \\(task ${TASK}\\) completed in \\d+\\.\\d{3} s$`, 'm'))
    expect((await run(quiet.api, 'echo')).status).toBe(200)
    await lineOf(quiet.logs, /^mc \| \S+ run echo \(task \S+\) completed/m)
    expect(quiet.logs()).not.toContain(' job ')
  })
})

describe('the background log', () => {
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await runMc(['down'], { cwd: dir })
  })

  test('mc logs prints run lines, each stamped once; mc logs -f follows until stopped', async () => {
    const port = freePort()
    const dir = composeDir({ 'compose.yml': compose(port) })
    dirs.push(dir)
    expect((await runMc(['up', '-d', '-e', `OPENAI_API_KEY=${SECRET}`], { cwd: dir })).code).toBe(0)
    const api = `http://127.0.0.1:${port}/api`
    expect((await run(api, 'denied')).status).toBe(502)
    const stampedOnce = new RegExp(`^${ISO} mc \\| run denied \\(task ${TASK}\\) failed in \\d+\\.\\d{3} s: .*401`, 'm')
    // The server writes the line after it answers: `mc logs` is asked again until it is there.
    let printed = ''
    const deadline = Date.now() + 10_000
    while (!stampedOnce.test(printed) && Date.now() < deadline) printed = (await runMc(['logs'], { cwd: dir })).stdout
    expect(printed).toMatch(stampedOnce)
    expect(printed).not.toContain(SECRET)
    for (const line of printed.trimEnd().split('\n')) expect(line).toMatch(new RegExp(`^${ISO} (?!${ISO})`))

    const follower = Bun.spawn([...MC, 'logs', '-f'], { cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    try {
      let followed = ''
      void (async () => {
        for await (const chunk of follower.stdout) followed += new TextDecoder().decode(chunk)
      })()
      await lineOf(() => followed, /run denied/)
      expect((await run(api, 'echo')).status).toBe(200)
      await lineOf(() => followed, new RegExp(`^${ISO} mc \\| run echo \\(task ${TASK}\\) completed`, 'm'))
      expect(follower.exitCode).toBeNull()
    } finally {
      follower.kill()
      await follower.exited
    }
  })
})
