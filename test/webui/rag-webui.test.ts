// examples/rag/compose.yml in the Web UI, in Chromium: its three workflows are
// its three tabs; ingest runs from its form and shows its answer as JSON, and
// ask (one question in, a streamed text out) opens as a chat. The example runs
// from a temp copy, its model fixtures linked, as test/e2e/rag-example.test.ts does.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { chromiumPresent, launchChromium, waitForWebUi } from '../support/chromium.ts'
import { freePort, ROOT, startMc, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'

let upstream: Upstream
let mc: McProcess
let browser: Browser
let ui: string

if (chromiumPresent()) describe('examples/rag in the Web UI', () => {
  beforeAll(async () => {
    upstream = startUpstream()
    const port = freePort()
    const uiPort = freePort()
    const dir = mkdtempSync(join(tmpdir(), 'mc-rag-ui-'))
    mkdirSync(join(dir, 'examples/rag'), { recursive: true })
    mkdirSync(join(dir, 'test'))
    symlinkSync(join(ROOT, 'test/fixtures'), join(dir, 'test/fixtures'))
    copyFileSync(join(ROOT, 'examples/rag/compose.yml'), join(dir, 'examples/rag/compose.yml'))
    const env = { MC_PORT: String(port), MC_WEBUI_PORT: String(uiPort), OPENAI_BASE_URL: `${upstream.url}/v1`, OPENAI_API_KEY: 'sk-test' }
    mc = await startMc(dir, ['-f', 'examples/rag/compose.yml'], port, env)
    ui = `http://127.0.0.1:${uiPort}`
    await waitForWebUi(ui)
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await mc?.stop()
    upstream?.stop()
  })

  test('its three workflows are three tabs; ingest runs from its form; ask is a chat', async () => {
    const page = await browser.newPage()
    await page.goto(ui)
    await page.waitForSelector('button.run')
    expect(await page.locator('nav button').allTextContents()).toEqual(['Ingest', 'Search', 'Ask'])
    await page.click('nav button:has-text("Ingest")')
    await page.fill('#in-id', 'cats')
    await page.fill('#in-text', 'Cats purr and sleep on warm windows all day long.')
    await page.click('button.run')
    await page.waitForFunction("document.querySelector('.timing').dataset.state === 'done'", undefined, { timeout: 20_000 })
    expect(JSON.parse((await page.textContent('#output pre'))!)).toMatchObject({ ids: ['cats'] })
    await page.click('nav button:has-text("Search")')
    expect(await page.locator('textarea#in-query').count()).toBe(1)
    await page.click('nav button:has-text("Ask")')
    expect(await page.locator('.chat-view textarea#in-question').count()).toBe(1)
    await page.close()
  })
})
