// The bounds on a web-browser component's pages: at most
// MC_WEB_BROWSER_MAX_PAGES open at once (the least recently used idle one
// makes room; with all busy, a new session is refused with 503), and a page
// idle longer than MC_WEB_BROWSER_IDLE_SECONDS is closed. A closed page is
// seen from the server: the request its script keeps open ends.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { composeDir, freePort, startMc, type McProcess } from '../../support/mc.ts'
import { requirementMet } from '../../support/requirements.ts'

const CHROMIUM = '/usr/bin/chromium'

/** A request the server holds open until its client goes away. */
interface Held {
  arrived: Promise<void>
  ended: Promise<void>
}

let server: ReturnType<typeof Bun.serve>
let base = ''
const held = new Map<string, Held & { arrive(): void; end(): void }>()

function heldFor(key: string): Held & { arrive(): void; end(): void } {
  let entry = held.get(key)
  if (!entry) {
    let arrive = () => {}
    let end = () => {}
    const arrived = new Promise<void>((resolve) => (arrive = resolve))
    const ended = new Promise<void>((resolve) => (end = resolve))
    entry = { arrived, ended, arrive, end }
    held.set(key, entry)
  }
  return entry
}

const compose = (port: number) => `
controller:
  port: ${port}
workflow:
  jobs: [{ component: browser, action: go }]
component:
  id: browser
  type: web-browser
  driver: playwright
  actions:
    - { id: go, method: navigate, url: "\${input.url}", session_id: "\${input.session}", timeout: 60s }
`

async function open(mc: McProcess, session: string, path: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input: { url: `${base}${path}`, session }, wait_for_completion: true }),
    ...(signal ? { signal } : {}),
  })
}

if (requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')) describe('bounds on pages', () => {
  beforeAll(() => {
    server = Bun.serve({
      port: 0,
      hostname: '127.0.0.1',
      idleTimeout: 0,
      fetch(request) {
        const url = new URL(request.url)
        const key = url.searchParams.get('key') ?? ''
        // A page whose script keeps a request open for as long as the page lives.
        if (url.pathname === '/page') return new Response(`<script>fetch('/hold?key=${key}')</script>`, { headers: { 'content-type': 'text/html' } })
        const entry = heldFor(`${url.pathname}:${key}`)
        entry.arrive()
        request.signal.addEventListener('abort', () => entry.end())
        return new Promise<Response>(() => {})
      },
    })
    base = `http://127.0.0.1:${server.port}`
  })
  afterAll(() => server?.stop(true))

  describe('MC_WEB_BROWSER_MAX_PAGES=2', () => {
    let mc: McProcess
    beforeAll(async () => {
      const port = freePort()
      mc = await startMc(composeDir({ 'model-compose.yml': compose(port) }), ['-e', 'MC_WEB_BROWSER_MAX_PAGES=2'], port)
    })
    afterAll(async () => {
      await mc?.stop()
    })

    test('a third session closes the least recently used idle page', async () => {
      expect((await open(mc, 'a', '/page?key=a')).status).toBe(200)
      await heldFor('/hold:a').arrived
      expect((await open(mc, 'b', '/page?key=b')).status).toBe(200)
      expect((await open(mc, 'c', '/page?key=c')).status).toBe(200)
      await heldFor('/hold:a').ended // session a's page was closed to make room
      await heldFor('/hold:c').arrived
    })

    test('with every page busy, a new session is refused with 503 naming the setting', async () => {
      const aborts = [new AbortController(), new AbortController()]
      const busy = ['x', 'y'].map((session, i) => open(mc, session, `/hang?key=${session}`, aborts[i]!.signal).catch(() => null))
      await Promise.all([heldFor('/hang:x').arrived, heldFor('/hang:y').arrived])
      const refused = await open(mc, 'z', '/page?key=z')
      expect(refused.status).toBe(503)
      expect(JSON.stringify(await refused.json())).toContain('all 2 pages are busy (MC_WEB_BROWSER_MAX_PAGES)')
      for (const abort of aborts) abort.abort()
      await Promise.all(busy)
      await Promise.all([heldFor('/hang:x').ended, heldFor('/hang:y').ended])
      expect((await open(mc, 'z', '/page?key=z2')).status).toBe(200)
    })
  })

  test('MC_WEB_BROWSER_IDLE_SECONDS=1: an idle page is closed', async () => {
    const port = freePort()
    const mc = await startMc(composeDir({ 'model-compose.yml': compose(port) }), ['-e', 'MC_WEB_BROWSER_IDLE_SECONDS=1'], port)
    try {
      expect((await open(mc, 'idle', '/page?key=idle')).status).toBe(200)
      await heldFor('/hold:idle').arrived
      await heldFor('/hold:idle').ended
    } finally {
      await mc.stop()
    }
  })
})
