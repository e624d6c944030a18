// The browser a web-browser component runs, from start to stop: the Chromium
// mc launches ends with mc (no process of its group is left), a missing
// Chromium is one line saying how to install it, attaching to a running
// Chrome (driver: chrome, and playwright's cdp_url) leaves that Chrome running
// without mc's tabs, and the keys mc refuses at load, each at its line.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { composeDir, freePort, runMc, startMc } from '../../support/mc.ts'
import { requirementMet } from '../../support/requirements.ts'

const CHROMIUM = '/usr/bin/chromium'

let server: ReturnType<typeof Bun.serve>
let base = ''

/** The processes whose command line holds `marker`, with their process groups. */
function processesWith(marker: string): { pid: number; pgid: number }[] {
  const found: { pid: number; pgid: number }[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) continue
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      found.push({ pid: Number(entry), pgid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) })
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** Every live process (not a zombie) in a process group. */
function processesInGroup(pgid: number): number[] {
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') found.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** What `list` gives once it is empty (helper processes take a moment to exit after the browser), or at last. */
async function eventually<T>(list: () => T[]): Promise<T[]> {
  for (let i = 0; i < 100 && list().length > 0; i++) await Bun.sleep(50)
  return list()
}

const runInput = (url: string) => JSON.stringify({ url })
const NAVIGATE = `workflow:\n  jobs:\n    - { id: go, component: browser, action: go }\n    - { id: read, component: browser, action: read, depends_on: [go], output: { nav: "\${jobs.go.output}", text: "\${output}" } }\n`
const ACTIONS = `  actions:\n    - { id: go, method: navigate, url: "\${input.url}" }\n    - { id: read, method: extract, selector: h1 }\n`

if (requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')) describe('the browser of a web-browser component', () => {
  beforeAll(() => {
    server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response('<h1>Hello</h1>', { headers: { 'content-type': 'text/html' } }) })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(() => server?.stop(true))

  test('the Chromium mc launches ends with mc: no process of its group is left after stop', async () => {
    const marker = `--mc-test-marker=${crypto.randomUUID()}`
    const port = freePort()
    const compose = `controller:\n  port: ${port}\n${NAVIGATE}component:\n  id: browser\n  type: web-browser\n  driver: playwright\n  args: ["${marker}"]\n${ACTIONS}`
    const mc = await startMc(composeDir({ 'model-compose.yml': compose }), [], port)
    let group: number[] = []
    let pgid = 0
    try {
      const response = await fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { url: base }, output_only: true }) })
      expect(((await response.json()) as { text: string }).text).toBe('Hello')
      const [browser] = processesWith(marker)
      expect(browser).toBeDefined()
      pgid = browser!.pgid
      expect(pgid).toBe(browser!.pid) // Chromium leads its own process group...
      group = processesInGroup(pgid)
      expect(group.length).toBeGreaterThan(1) // ...with its helper processes in it
    } finally {
      expect(await mc.stop()).toBe(143) // SIGTERM: mc cleans up, then exits 128 + 15
    }
    expect(await eventually(() => processesInGroup(pgid))).toEqual([])
    expect(processesWith(marker)).toEqual([])
  })

  test('`mc run` launches Chromium for the run and leaves none behind', async () => {
    const marker = `--mc-test-marker=${crypto.randomUUID()}`
    const compose = `${NAVIGATE}component:\n  id: browser\n  type: web-browser\n  driver: playwright\n  args: ["${marker}"]\n${ACTIONS}`
    const result = await runMc(['run', '-i', runInput(base)], { cwd: composeDir({ 'model-compose.yml': compose }) })
    expect(result.stderr).toBe('')
    expect(JSON.parse(result.stdout).text).toBe('Hello')
    expect(await eventually(() => processesWith(marker))).toEqual([])
  })

  test('a missing Chromium: one line saying how to install it', async () => {
    const compose = `${NAVIGATE}component:\n  id: browser\n  type: web-browser\n  driver: playwright\n  executable_path: /nonexistent/chromium\n${ACTIONS}`
    const result = await runMc(['run', '-i', runInput(base)], { cwd: composeDir({ 'model-compose.yml': compose }) })
    expect(result.code).not.toBe(0)
    const lines = result.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('web-browser needs Chromium: install it with "apt-get install chromium" (Debian/Ubuntu) or set executable_path')
    expect(lines[0]).toContain('/nonexistent/chromium')
  })

  describe('attached to a running Chromium (started here with --remote-debugging-port)', () => {
    let chromium: ReturnType<typeof Bun.spawn>
    let debugUrl = ''
    const profile = mkdtempSync(join(tmpdir(), 'mc-test-chromium-'))
    beforeAll(async () => {
      const port = freePort()
      chromium = Bun.spawn([CHROMIUM, '--headless', '--no-sandbox', '--disable-gpu', `--remote-debugging-port=${port}`, `--user-data-dir=${profile}`, 'about:blank'], { stdout: 'ignore', stderr: 'ignore' })
      debugUrl = `http://127.0.0.1:${port}`
      for (let i = 0; i < 200 && !(await fetch(`${debugUrl}/json/version`).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(50)
    })
    afterAll(async () => {
      chromium?.kill('SIGTERM')
      await chromium?.exited
    })
    const tabs = async () => ((await (await fetch(`${debugUrl}/json/list`)).json()) as { type: string; url: string }[]).filter((t) => t.type === 'page').map((t) => t.url)

    test.each([
      ['driver: chrome (the default), by its debugger address', (url: string) => `  debugger:\n    url: ${url}\n`, 'frameId'],
      ['driver: playwright, by cdp_url', (url: string) => `  driver: playwright\n  cdp_url: ${url}\n`, 'status'],
    ] as const)('%s: mc works in a tab of its own, and leaves the browser running without it', async (_, settings, key) => {
      const compose = `${NAVIGATE}component:\n  id: browser\n  type: web-browser\n${settings(debugUrl)}${ACTIONS}`
      const result = await runMc(['run', '-i', runInput(`${base}/attached`)], { cwd: composeDir({ 'model-compose.yml': compose }) })
      expect(result.stderr).toBe('')
      const output = JSON.parse(result.stdout) as { nav: Record<string, unknown>; text: string }
      expect(output.text).toBe('Hello')
      expect(Object.keys(output.nav)).toEqual(['url', key])
      expect(chromium.exitCode).toBeNull()
      expect(await tabs()).not.toContain(`${base}/attached`)
    })

    test('nothing to attach to: one line naming the address', async () => {
      const compose = `${NAVIGATE}component:\n  id: browser\n  type: web-browser\n  debugger: { port: ${freePort()} }\n${ACTIONS}`
      const result = await runMc(['run', '-i', runInput(base)], { cwd: composeDir({ 'model-compose.yml': compose }) })
      expect(result.code).not.toBe(0)
      expect(result.stderr.trim().split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/web-browser could not attach to the browser at http:\/\/localhost:\d+ \(started with --remote-debugging-port\?\)/)
    })
  })
})

describe('refused at load, at the line of the key', () => {
  const refused = async (component: string) => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': `component:\n  type: web-browser\n${component}` }) })
    expect(result.code).not.toBe(0)
    return result.stderr.trim()
  }
  test.each([
    ['capture-video', '  driver: playwright\n  action:\n    method: capture-video\n', /model-compose\.yml:5:13: .*"capture-video" is a model-compose web-browser method that mc does not have \(mc has: navigate, /],
    ['an engine other than Chromium', '  driver: playwright\n  browser: firefox\n  action: { method: navigate, url: "https://example.com" }\n', /model-compose\.yml:4:12: .*browser: "firefox" is a model-compose web-browser engine that mc does not have \(mc has: chromium\)/],
    ['launch keys with cdp_url', '  driver: playwright\n  cdp_url: http://localhost:9222\n  headless: false\n  action: { method: evaluate, expression: "1" }\n', /model-compose\.yml:5:13: .*headless: When 'cdp_url' is set, these fields must not be specified: headless\./],
    ['a playwright key on driver: chrome', '  headless: true\n  action: { method: evaluate, expression: "1" }\n', /model-compose\.yml:3:13: .*headless: is a key of driver: playwright/],
    ['the chrome driver’s endpoint', '  endpoint: ws://localhost:9222/devtools/page/1\n  action: { method: evaluate, expression: "1" }\n', /model-compose\.yml:3:13: .*endpoint: "endpoint" is a model-compose chrome driver key that mc does not have/],
    ['click without a target', '  action: { method: click }\n', /model-compose\.yml:3:\d+: .*One of 'selector', 'xpath', or coordinates\('x' and 'y'\) must be provided\./],
    ['a wait_until mc does not know', '  action: { method: navigate, url: "https://example.com", wait_until: idle }\n', /wait_until: expected one of load, domcontentloaded, networkidle, commit, got "idle"/],
  ])('%s', async (_, component, message) => {
    expect(await refused(component)).toMatch(message)
  })
})
