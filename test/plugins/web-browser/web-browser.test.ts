// The web-browser component through `mc up` (a real process) driving this
// machine's Chromium (playwright-core, driver: playwright) on pages this test
// serves: what each action gives (model-compose 0.4.92's results), sessions,
// the bounds (a wait that runs out, a result past MC_MAX_RESPONSE_BYTES, a
// cancelled run), and the pages mc refuses to open.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { composeDir, freePort, startMc, type McProcess } from '../../support/mc.ts'
import { requirementMet } from '../../support/requirements.ts'

const CHROMIUM = '/usr/bin/chromium'

const PAGE = `<!DOCTYPE html>
<html><head><title>Test Page</title></head>
<body style="margin:0">
  <h1 id="title">Hello</h1>
  <button id="go" onclick="document.getElementById('title').textContent = 'Clicked'">Go</button>
  <input id="name" value="">
  <div id="box" style="position:absolute;top:300px;left:10px;width:200px;height:100px;background:#c00"></div>
  <a class="item" href="/one">One</a><a class="item" href="/two">Two</a>
  <div id="later" style="display:none">Later</div>
  <script>setTimeout(() => { document.getElementById('later').style.display = 'block' }, 300)</script>
</body></html>`

let server: ReturnType<typeof Bun.serve>
let base = ''
/** Resolves when the client of /hang (the browser) went away. */
let hangAborted: Promise<void>
let hangArrived: Promise<void>

function serve(): void {
  let arrived = () => {}
  let aborted = () => {}
  hangArrived = new Promise((resolve) => (arrived = resolve))
  hangAborted = new Promise((resolve) => (aborted = resolve))
  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url)
      const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=utf-8' } })
      if (url.pathname === '/page') return html(PAGE)
      if (url.pathname === '/cookie') return html(`<p id="cookie">${request.headers.get('cookie') ?? ''}</p>`)
      if (url.pathname === '/big') return html(`<p id="big">${'x'.repeat(2 * 1024 * 1024)}</p>`)
      if (url.pathname === '/hang') {
        arrived()
        request.signal.addEventListener('abort', () => aborted())
        return new Promise<Response>(() => {})
      }
      return new Response('not here', { status: 404 })
    },
  })
  base = `http://127.0.0.1:${server.port}`
}

const compose = (port: number) => `
controller:
  port: ${port}
workflows:
${['navigate', 'click', 'type', 'append', 'extract', 'shot', 'eval', 'wait', 'scroll', 'set-cookies', 'get-cookies', 'hang']
  .map((id) => `  - id: ${id}\n    jobs: [{ component: browser, action: ${id} }]\n`)
  .join('')}
components:
  - id: browser
    type: web-browser
    driver: playwright
    timeout: 10s
    actions:
      - { id: navigate, method: navigate, url: "\${input.url}", session_id: "\${input.session}" }
      - { id: click, method: click, selector: "\${input.selector}", session_id: "\${input.session}", timeout: "\${input.timeout | 10s}" }
      - { id: type, method: input-text, selector: "#name", text: "\${input.text}" }
      - { id: append, method: input-text, selector: "#name", text: "\${input.text}", clear_first: false }
      - id: extract
        method: extract
        selector: \${input.selector}
        extract_mode: \${input.mode | text}
        attribute: \${input.attribute}
        multiple: \${input.multiple | false}
        session_id: \${input.session}
      - { id: shot, method: screenshot, selector: "\${input.selector}", format: "\${input.format | png}", full_page: "\${input.full_page | false}" }
      - { id: eval, method: evaluate, expression: "\${input.expression}", session_id: "\${input.session}", timeout: "\${input.timeout | 10s}" }
      - { id: wait, method: wait-for, selector: "\${input.selector}", condition: "\${input.condition | present}", timeout: "\${input.timeout | 10s}" }
      - { id: scroll, method: scroll, y: "\${input.y}" }
      - { id: set-cookies, method: set-cookies, cookies: "\${input.cookies}" }
      - { id: get-cookies, method: get-cookies, urls: "\${input.urls}" }
      - { id: hang, method: navigate, url: "\${input.url}", timeout: 60s }
`

let mc: McProcess

async function run(workflow: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<{ status: number; output: any; error?: string }> {
  const response = await fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflow, input, wait_for_completion: true }),
    ...(signal ? { signal } : {}),
  })
  const body = (await response.json()) as { output?: unknown; error?: string; detail?: string }
  return { status: response.status, output: body.output, error: body.error ?? body.detail }
}

if (requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')) describe('web-browser on Chromium', () => {
  beforeAll(async () => {
    serve()
    const port = freePort()
    mc = await startMc(composeDir({ 'model-compose.yml': compose(port) }), ['-e', 'MC_MAX_RESPONSE_BYTES=1MiB'], port)
  })
  afterAll(async () => {
    await mc?.stop()
    server?.stop(true)
  })

  test('navigate gives {url, status}; extract reads the text the page shows', async () => {
    expect((await run('navigate', { url: `${base}/page` })).output).toEqual({ url: `${base}/page`, status: 200 })
    expect((await run('extract', { selector: '#title' })).output).toBe('Hello')
    expect((await run('extract', { selector: 'a.item', mode: 'attribute', attribute: 'href', multiple: true })).output).toEqual(['/one', '/two'])
    expect((await run('extract', { selector: '#box', mode: 'html' })).output).toBe('<div id="box" style="position:absolute;top:300px;left:10px;width:200px;height:100px;background:#c00"></div>')
    expect((await run('extract', { selector: '#nothing' })).output).toBeNull()
  })

  test('click changes the page, and gives the point it clicked', async () => {
    await run('navigate', { url: `${base}/page` })
    const clicked = await run('click', { selector: '#go' })
    expect(clicked.output).toEqual({ x: expect.any(Number), y: expect.any(Number) })
    expect((await run('extract', { selector: '#title' })).output).toBe('Clicked')
  })

  test('input-text types into an input (replacing, or after its text with clear_first: false)', async () => {
    await run('navigate', { url: `${base}/page` })
    expect((await run('type', { text: 'Ada' })).output).toEqual({ typed: 'Ada' })
    await run('append', { text: ' Lovelace' })
    expect((await run('eval', { expression: "document.querySelector('#name').value" })).output).toBe('Ada Lovelace')
    await run('type', { text: 'Grace' })
    expect((await run('eval', { expression: "document.querySelector('#name').value" })).output).toBe('Grace')
  })

  test('screenshot is a real PNG of the viewport, of one element, or a JPEG', async () => {
    await run('navigate', { url: `${base}/page` })
    const page = Buffer.from((await run('shot', {})).output, 'base64')
    expect([...page.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect([page.readUInt32BE(16), page.readUInt32BE(20)]).toEqual([1280, 720]) // IHDR: the default viewport
    const box = Buffer.from((await run('shot', { selector: '#box' })).output, 'base64')
    expect([box.readUInt32BE(16), box.readUInt32BE(20)]).toEqual([200, 100])
    const jpeg = Buffer.from((await run('shot', { format: 'jpeg' })).output, 'base64')
    expect([...jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff])
    expect((await run('shot', { format: 'gif' })).error).toMatch(/format: expected one of png, jpeg, got "gif"/)
  })

  test('evaluate gives the value; a function is called with the job input', async () => {
    await run('navigate', { url: `${base}/page` })
    expect((await run('eval', { expression: 'document.title' })).output).toBe('Test Page')
    expect((await run('eval', { expression: '({ n: 1 + 1, list: [1, "a", null] })' })).output).toEqual({ n: 2, list: [1, 'a', null] })
    expect((await run('eval', { expression: 'new Promise((resolve) => setTimeout(() => resolve(42), 50))' })).output).toBe(42)
    const called = await run('eval', { expression: '(input) => input.expression.length', session: undefined })
    expect(called.output).toBe('(input) => input.expression.length'.length)
    const thrown = await run('eval', { expression: 'nope.nothing' })
    expect(thrown.status).toBe(502)
    expect(thrown.error).toMatch(/evaluate: the expression failed in the page: .*nope is not defined/)
  })

  test('page code that never ends: a 504 past the timeout, and the session goes on in a fresh page', async () => {
    await run('navigate', { url: `${base}/page` })
    for (const expression of ['new Promise(() => {})', 'while (true) {}']) {
      const stuck = await run('eval', { expression, timeout: '1s' })
      expect(stuck.status).toBe(504)
      expect(stuck.error).toMatch(/evaluate: did not finish within 1s; mc closed its page/)
      expect((await run('eval', { expression: 'location.href' })).output).toBe('about:blank')
    }
  })

  test('wait-for: a condition that comes true in time gives null; a missing selector fails naming it', async () => {
    await run('navigate', { url: `${base}/page` })
    expect((await run('wait', { selector: '#later', condition: 'visible' })).output).toBeNull()
    const missing = await run('wait', { selector: '#missing', timeout: '1s' })
    expect(missing.status).toBe(504)
    expect(missing.error).toMatch(/wait-for: selector "#missing" was not present within 1s/)
    const click = await run('click', { selector: '#missing-button', session: 'other', timeout: '1s' })
    expect(click.error).toMatch(/no element matched selector "#missing-button"/)
  })

  test('sessions: each session_id has its own page', async () => {
    await run('navigate', { url: `${base}/page`, session: 'a' })
    await run('navigate', { url: `${base}/cookie`, session: 'b' })
    expect((await run('eval', { expression: 'document.title', session: 'a' })).output).toBe('Test Page')
    expect((await run('eval', { expression: 'location.pathname', session: 'b' })).output).toBe('/cookie')
  })

  test('scroll gives model-compose’s {scrolled_x, scrolled_y}', async () => {
    await run('navigate', { url: `${base}/page` })
    expect((await run('scroll', { y: 50 })).output).toEqual({ scrolled_x: null, scrolled_y: 50 })
  })

  test('set-cookies then get-cookies; the page is sent the cookie', async () => {
    expect((await run('set-cookies', { cookies: [{ name: 'sid', value: 'abc', url: base }] })).output).toBeNull()
    const cookies = (await run('get-cookies', { urls: [base] })).output as { name: string; value: string }[]
    expect(cookies.map((c) => [c.name, c.value])).toEqual([['sid', 'abc']])
    await run('navigate', { url: `${base}/cookie` })
    expect((await run('extract', { selector: '#cookie' })).output).toBe('sid=abc')
    expect((await run('set-cookies', { cookies: 'sid=abc' })).status).toBe(422)
  })

  test('a result past MC_MAX_RESPONSE_BYTES is refused, saying how to raise it', async () => {
    await run('navigate', { url: `${base}/big` })
    const big = await run('extract', { selector: '#big' })
    expect(big.status).toBe(502)
    expect(big.error).toMatch(/extract: the result is .* more than 1 MiB, the most mc holds \(MC_MAX_RESPONSE_BYTES\); raise it, e\.g\. -e MC_MAX_RESPONSE_BYTES=4MiB/)
  })

  test('only http(s) pages: file:// and other schemes are refused with a 422', async () => {
    const file = await run('navigate', { url: 'file:///etc/passwd' })
    expect(file.status).toBe(422)
    expect(file.error).toMatch(/url: mc's web-browser opens http and https pages, not file: ones: file:\/\/ pages need "allow_file_urls: true"/)
    expect((await run('navigate', { url: 'chrome://version' })).status).toBe(422)
  })

  test('a cancelled run stops its action at once: the page it was loading is dropped, the session goes on', async () => {
    const abort = new AbortController()
    const pending = run('hang', { url: `${base}/hang` }, abort.signal).catch((error: Error) => error)
    await hangArrived
    abort.abort()
    expect(await pending).toBeInstanceOf(Error)
    await hangAborted // the browser hung up on the page mc no longer waits for
    expect((await run('navigate', { url: `${base}/page` })).output).toEqual({ url: `${base}/page`, status: 200 })
  })
})
