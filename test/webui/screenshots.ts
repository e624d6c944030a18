// Screenshots of the Web UI, for review and for the README: a markdown answer
// rendered, a chat with history, a stream stopped by Stop, an image output.
//   bun test/webui/screenshots.ts   → test/webui/screenshots/*.png
// A script, not a test: it asserts nothing beyond each view being reached.

import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { launchChromium } from '../support/chromium.ts'
import { startShowcase } from './showcase.ts'

const OUT = join(import.meta.dir, 'screenshots')
const idle = "!document.querySelector('button.run').disabled && document.querySelector('.timing').dataset.state !== 'running'"

const showcase = await startShowcase()
const browser = await launchChromium()
try {
  mkdirSync(OUT, { recursive: true })
  const page = await browser.newPage({ viewport: { width: 960, height: 700 } })
  const open = async (workflow: string) => {
    await page.goto(`${showcase.ui}/#${workflow}`)
    await page.waitForSelector('button.run')
  }
  const shoot = async (name: string, target: Page = page) => {
    await target.screenshot({ path: join(OUT, `${name}.png`) })
    console.log(join(OUT, `${name}.png`))
  }

  await open('answer')
  await page.click('button.run')
  await page.waitForSelector('#output strong')
  await shoot('markdown-answer')

  await open('chat')
  for (const text of ['Hello! Can you answer in **markdown**?', 'Thanks, and a second turn']) {
    await page.fill('#in-prompt', text)
    await page.press('#in-prompt', 'Enter')
    await page.waitForFunction(idle)
  }
  await shoot('chat-history')

  await open('story')
  await page.click('button.run')
  await page.waitForFunction("(document.querySelector('#output')?.textContent ?? '').split(' ').length >= 6")
  await page.click('button.stop')
  await page.waitForFunction(idle)
  await shoot('stream-stopped')

  await open('picture')
  await page.fill('#in-caption', 'A gradient, made by the test as a PNG and returned as base64')
  await page.click('button.run')
  await page.waitForFunction("document.querySelector('.block img')?.complete")
  await shoot('image-output')
} finally {
  await browser.close()
  await showcase.stop()
}
