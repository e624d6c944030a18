// The Web UI in a real browser (Debian's Chromium, driven by playwright-core):
// fill the inputs of a streaming workflow, press Run, and watch the answer grow.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { requirementMet } from '../support/requirements.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

const CHROMIUM = '/usr/bin/chromium'
const ARTIFACTS = join(ROOT, 'test/artifacts')

let browser: Browser
let upstream: Upstream

async function openUi(url: string) {
  const page = await browser.newPage()
  for (let i = 0; i < 100 && !(await fetch(url).then((r) => r.ok).catch(() => false)); i++) await Bun.sleep(50)
  await page.goto(url)
  await page.waitForSelector('button.run')
  return page
}

// npm test installs Chromium (test/support/system-requirements.ts); without it these fail saying how to install it (MC_TEST_SKIP=browser skips them, loudly).
if (requirementMet('browser', existsSync(CHROMIUM), `Debian's Chromium at ${CHROMIUM}`, 'apt-get install chromium')) describe(`Web UI in Chromium (${CHROMIUM})`, () => {
  beforeAll(async () => {
    upstream = startUpstream()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    })
  })
  afterAll(async () => {
    await browser?.close()
    upstream?.stop()
  })

  test('the answer of a streaming workflow grows in place, then equals the whole answer', async () => {
    const port = freePort()
    const uiPort = freePort()
    const compose = `controller:\n  port: ${port}\n  webui:\n    driver: gradio\n    port: ${uiPort}\nworkflow:\n  title: Streaming Chat\n  description: Streams an answer.\n  output: \${output as text;sse-text}\ncomponent:\n  type: http-client\n  endpoint: ${upstream.url}/v1/chat/completions?delay_ms=150\n  body: { stream: true, messages: [{ role: user, content: "\${input.prompt as text @(description What to say)}" }] }\n  stream_format: json\n  output: \${response[].choices[0].delta.content}\n`
    const mc = await startMc(composeDir({ 'compose.yml': compose }), [], port)
    try {
      const page = await openUi(`http://127.0.0.1:${uiPort}`)
      expect(await page.textContent('h2')).toBe('Streaming Chat')
      expect(await page.textContent('label[for=in-prompt]')).toContain('What to say')
      await page.fill('#in-prompt', 'one two three four five six')
      await page.click('button.run')
      const observed: string[] = []
      for (let i = 0; i < 60; i++) {
        const text = (await page.textContent('#output')) ?? ''
        if (observed.at(-1) !== text) observed.push(text)
        if (text === 'You said: one two three four five six' && (await page.isEnabled('button.run'))) break
        await Bun.sleep(60)
      }
      const growing = observed.filter(Boolean)
      expect(growing.length).toBeGreaterThanOrEqual(3) // seen at several sizes while it streamed
      for (let i = 1; i < growing.length; i++) expect(growing[i]!.startsWith(growing[i - 1]!)).toBe(true)
      expect(growing.at(-1)).toBe('You said: one two three four five six')
      mkdirSync(ARTIFACTS, { recursive: true })
      await page.screenshot({ path: join(ARTIFACTS, 'webui-streaming.png') })
    } finally {
      await mc.stop()
    }
  })

  test('a failing run is shown as an error; sse-json items are listed as they come', async () => {
    const port = freePort()
    const uiPort = freePort()
    const compose = `controller:\n  port: ${port}\n  webui:\n    port: ${uiPort}\nworkflows:\n  - id: broken\n    title: Broken\n    output: \${output as text;sse-text}\n    jobs:\n      - component: broken\n  - id: items\n    title: Items\n    output: \${output as json;sse-json}\n    jobs:\n      - component: items\ncomponents:\n  - id: broken\n    type: http-client\n    endpoint: ${upstream.url}/v1/chat/completions?fail=99&status=500\n    body: { stream: true }\n    stream_format: json\n  - id: items\n    type: http-client\n    endpoint: ${upstream.url}/ndjson?text=a%20b&delay_ms=50\n    stream_format: json\n    output: \${response[]}\n`
    const mc = await startMc(composeDir({ 'compose.yml': compose }), [], port)
    try {
      const page = await openUi(`http://127.0.0.1:${uiPort}`)
      await page.click('button.run')
      await page.waitForSelector('.error')
      expect(await page.textContent('.error')).toMatch(/answered 500 Internal Server Error/)
      await page.click('nav button:has-text("Items")')
      await page.click('button.run')
      await page.waitForFunction("document.querySelectorAll('ol.items li').length === 2")
      expect(await page.locator('ol.items li').allTextContents()).toEqual(['{"index":0,"token":"a"}', '{"index":1,"token":" b"}'])
    } finally {
      await mc.stop()
    }
  })

  const guideExamples: [string, string, string][] = [
    ['§11.4.4', 'examples/webui-chat/compose.yml', '#in-prompt'],
    ['§11.6.1', 'examples/realtime-translation/compose.yml', '#in-text'],
  ]
  for (const [section, file, field] of guideExamples) {
    test(`the guide's ${section} example starts with mc up and streams in the browser`, async () => {
      const port = freePort()
      const uiPort = freePort()
      const mc = await startMc(ROOT, ['-f', file], port, { MC_PORT: String(port), MC_WEBUI_PORT: String(uiPort) })
      try {
        const page = await openUi(`http://127.0.0.1:${uiPort}`)
        await page.fill(field, '안녕하세요')
        await page.click('button.run')
        // Evaluated in the page (strings: the page's DOM types are not this file's).
        await page.waitForFunction("/tok|ken/.test(document.querySelector('#output')?.textContent ?? '')")
        await page.waitForFunction("!document.querySelector('button.run').disabled")
        expect(await page.locator('.error').count()).toBe(0)
      } finally {
        await mc.stop()
      }
    })
  }
})
