// Keys never reach an answer or a log line, CORS does not hand answers to
// foreign pages, and an optional API key locks the controller and the Web UI
// (issue 7, finding 5). A real mc against a leaky upstream that echoes every
// credential it receives into its error answers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Client } from '@gradio/client'
import { composeDir, freePort, startMc, type McProcess } from '../support/mc.ts'

const SECRETS = {
  OPENAI_API_KEY: 'sk-test-header-0123456789abcdef',
  BOT: '123456:path-secret-AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
  DB_PW: 'userinfo-secret-pw-42',
  Q: 'query-secret-value-77',
}
const LITERAL = 'literal-secret-in-the-file-99'

/** Answers 401 with everything it was sent, as careless APIs do; /sse answers a non-SSE body echoing the same. */
function leakyUpstream() {
  return Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch(request) {
      const echo = { url: request.url, authorization: request.headers.get('authorization'), key: request.headers.get('x-api-key') }
      if (new URL(request.url).pathname.endsWith('/sse')) return new Response(`invalid token ${JSON.stringify(echo)}`, { headers: { 'content-type': 'text/event-stream' } })
      return Response.json({ error: 'unauthorized', echo }, { status: 401 })
    },
  })
}

let upstream: ReturnType<typeof leakyUpstream>
let mc: McProcess
let api: string

beforeAll(async () => {
  upstream = leakyUpstream()
  const u = `127.0.0.1:${upstream.port}`
  const port = freePort()
  const component = (id: string, fields: string) => `  - id: ${id}\n    type: http-client\n${fields}`
  const dir = composeDir({
    'compose.yml': `
controller:
  port: ${port}
workflows:
${['header', 'path', 'userinfo', 'query', 'literal', 'stream'].map((id) => `  - id: ${id}\n    output: \${output as text;sse-text}\n    jobs:\n      - component: ${id}\n`).join('')}
components:
${component('header', `    endpoint: http://${u}/v1\n    headers: { Authorization: "Bearer \${env.OPENAI_API_KEY}" }\n`)}
${component('path', `    base_url: http://${u}\n    path: /bot\${env.BOT}/sendMessage\n`)}
${component('userinfo', `    endpoint: http://admin:\${env.DB_PW}@${u}/v1\n`)}
${component('query', `    endpoint: http://${u}/v1\n    params: { api_key: "\${env.Q}" }\n`)}
${component('literal', `    endpoint: http://${u}/v1\n    headers: { x-api-key: ${LITERAL} }\n`)}
${component('stream', `    endpoint: http://${u}/sse\n    headers: { Authorization: "Bearer \${env.OPENAI_API_KEY}" }\n    output: \${response[]}\n`)}
`,
  })
  mc = await startMc(dir, ['-v'], port, SECRETS) // -v: failed runs are logged too
  api = `${mc.url}/api`
})
afterAll(async () => {
  await mc.stop()
  upstream.stop(true)
})

const everySecret = [...Object.values(SECRETS), LITERAL]
const expectNoSecret = (text: string) => {
  for (const secret of everySecret) expect(text).not.toContain(secret)
}

const run = (body: unknown) => fetch(`${api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

describe('credentials in answers', () => {
  test.each(['header', 'path', 'userinfo', 'query', 'literal'])('an upstream 401 echoing the %s credential: detail and task error masked', async (workflow) => {
    const waited = await run({ workflow_id: workflow, output_only: true })
    expect(waited.status).toBe(502)
    const detail = ((await waited.json()) as { detail: string }).detail
    expect(detail).toContain('answered 401')
    expect(detail).toContain('***')
    expectNoSecret(detail)

    const queued = (await (await run({ workflow_id: workflow, wait_for_completion: false })).json()) as { task_id: string }
    let task: { status: string; error?: string } = { status: 'pending' }
    while (task.status === 'pending' || task.status === 'processing') {
      await Bun.sleep(20)
      task = (await (await fetch(`${api}/tasks/${queued.task_id}`)).json()) as typeof task
    }
    expect(task.status).toBe('failed')
    expectNoSecret(task.error!)
    const failed = await fetch(`${api}/tasks/${queued.task_id}?output_only=true`)
    expectNoSecret(await failed.text())
  })

  test('an error event after the stream began is masked too', async () => {
    const answer = await run({ workflow_id: 'stream', output_only: true })
    const text = (await answer.text()).replace(/^id: .*\n/gm, '')
    expect(text).toStartWith('event: error\ndata: {"detail":"upstream GET http://127.0.0.1:')
    expect(text).toContain('but no event: invalid token')
    expectNoSecret(text)
  })

  test("mc's own log lines never show them", () => {
    expect(mc.logs()).toContain('answered 401')
    expectNoSecret(mc.logs())
  })
})

describe('CORS', () => {
  test('origins "*" (the default) answers * and never allows credentials', async () => {
    const preflight = await fetch(`${api}/workflows/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    })
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*')
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()
    const simple = await fetch(`${api}/workflows`, { headers: { origin: 'https://evil.example' } })
    expect(simple.headers.get('access-control-allow-origin')).toBe('*')
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull()
  })

  test('a preflight names the headers a page may send and read, whatever it asked', async () => {
    for (const asked of [{}, { 'access-control-request-headers': 'x-anything' }] as Record<string, string>[]) {
      const preflight = await fetch(`${api}/workflows/runs`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', ...asked },
      })
      expect(preflight.headers.get('access-control-allow-headers')).toBe('Content-Type, Authorization, Last-Event-ID, Cache-Control, Accept')
      expect(preflight.headers.get('access-control-expose-headers')).toBe('Retry-After, X-Task-Id')
    }
  })

  test('a listed origin is matched exactly', async () => {
    const port = freePort()
    const listed = await startMc(
      composeDir({ 'compose.yml': `controller:\n  port: ${port}\n  origins: https://app.example.com\ncomponent:\n  type: shell\n  command: [echo, hi]\n` }),
      [],
      port,
    )
    try {
      const originOf = async (origin: string) => (await fetch(`${listed.url}/api/workflows`, { headers: { origin } })).headers.get('access-control-allow-origin')
      expect(await originOf('https://app.example.com')).toBe('https://app.example.com')
      expect(await originOf('https://app.example.com.evil.net')).toBeNull()
      expect(await originOf('http://app.example.com')).toBeNull()
      expect(await originOf('https://evil.example')).toBeNull()
    } finally {
      await listed.stop()
    }
  })
})

describe('MC_API_KEY', () => {
  const KEY = 'mc-test-api-key-5f1e2d'
  let locked: McProcess
  let uiPort: number
  beforeAll(async () => {
    const port = freePort()
    uiPort = freePort()
    const dir = composeDir({
      'compose.yml': `controller:\n  port: ${port}\n  webui:\n    port: ${uiPort}\nworkflow:\n  id: greet\n  output: { greeting: "Hello \${input.name}" }\n  jobs:\n    - component: nothing\ncomponent:\n  id: nothing\n  type: shell\n  command: [true]\n`,
    })
    locked = await startMc(dir, [], port, { MC_API_KEY: KEY })
  })
  afterAll(async () => {
    await locked.stop()
  })

  test('the controller: everything but /health needs the key as a Bearer token', async () => {
    const api = `${locked.url}/api`
    expect((await fetch(`${api}/health`)).status).toBe(200)
    const missing = await fetch(`${api}/workflows`)
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="mc"')
    expect(((await missing.json()) as { detail: string }).detail).toStartWith('missing API key')
    expect((await fetch(`${api}/workflows`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
    const runWithKey = await fetch(`${api}/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ input: { name: 'key' }, output_only: true }),
    })
    expect(await runWithKey.json()).toEqual({ greeting: 'Hello key' })
    expect((await fetch(`${api}/tasks/01JXXXXXXXXXXXXXXXXXXXXXXX`)).status).toBe(401)
    expect(locked.logs()).not.toContain(KEY)
  })

  test('the Web UI: a browser is asked for it (Basic), the Gradio client sends it as a token', async () => {
    const ui = `http://127.0.0.1:${uiPort}`
    const page = await fetch(`${ui}/`)
    expect(page.status).toBe(401)
    expect(page.headers.get('www-authenticate')).toStartWith('Basic realm="mc web UI"')
    const basic = await fetch(`${ui}/`, { headers: { authorization: `Basic ${btoa(`anyone:${KEY}`)}` } })
    expect(basic.status).toBe(200)
    expect(await basic.text()).toContain('<html')
    await expect(Client.connect(ui)).rejects.toThrow()
    const client = await Client.connect(ui, { token: KEY as `hf_${string}` })
    const result = await client.predict('/greet', { name: 'gradio' })
    expect(result.data).toEqual([{ greeting: 'Hello gradio' }])
  })
})
