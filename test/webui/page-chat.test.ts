// The Web UI's chat view and its Stop, in Chromium: a chat workflow keeps its
// turns per browser tab and sends them as its `messages` input; Stop cancels a
// streaming run on the server (the upstream's connection is closed, the task
// ends cancelled) and the tokens stop arriving.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, Page } from 'playwright-core'
import { chromiumPresent, launchChromium } from '../support/chromium.ts'
import { startShowcase, STORY, type Showcase } from './showcase.ts'

let showcase: Showcase
let browser: Browser

async function open(page: Page, workflow: string): Promise<void> {
  await page.goto(`${showcase.ui}/#${workflow}`)
  await page.waitForSelector('button.run')
}

const idle = "!document.querySelector('button.run').disabled && document.querySelector('.timing').dataset.state !== 'running'"

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#in-prompt', text)
  await page.press('#in-prompt', 'Enter')
  await page.waitForFunction("document.querySelector('.timing').dataset.state === 'running' || document.querySelector('.timing').dataset.state === 'done'")
  await page.waitForFunction(idle)
}

const bubbles = (page: Page) => page.evaluate<string[][]>("[...document.querySelectorAll('.chat .msg')].map((m) => [m.classList[1], m.querySelector('.content').textContent])")

if (chromiumPresent()) describe('Web UI chat and Stop in Chromium', () => {
  beforeAll(async () => {
    showcase = await startShowcase()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await showcase?.stop()
  })

  test('two sends make a chat of two turns, sent as history, kept in the tab, gone with Clear', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    await open(page, 'chat')
    expect(await page.locator('.chat').count()).toBe(1)
    await send(page, 'hello **there**')
    await send(page, 'and again')
    expect(await bubbles(page)).toEqual([
      ['user', 'hello **there**'],
      ['assistant', 'You said: hello there'],
      ['user', 'and again'],
      ['assistant', 'You said: and again'],
    ])
    expect(await page.textContent('.chat .msg.assistant strong')).toBe('there') // the answer's markdown rendered
    expect(await page.textContent('.timing')).toMatch(/^Done in \d+\.\d+ s · first token \d+\.\d+ s$/)
    // The second run got the first turn as its `messages` input.
    expect(showcase.upstream.stats('chat').bodies[0]).toMatchObject({
      history: [
        { role: 'user', content: 'hello **there**' },
        { role: 'assistant', content: 'You said: hello **there**' },
      ],
      messages: [{ role: 'user', content: 'and again' }],
    })
    // Kept per tab: a reload shows it, another tab starts empty.
    await page.reload()
    await page.waitForSelector('.chat .msg')
    expect((await bubbles(page)).length).toBe(4)
    const other = await context.newPage()
    await open(other, 'chat')
    expect(await bubbles(other)).toEqual([])
    await page.click('button.clear')
    expect(await bubbles(page)).toEqual([])
    await page.reload()
    await page.waitForSelector('button.run')
    expect(await bubbles(page)).toEqual([])
    await context.close()
  })

  test('Stop cancels a streaming run: the upstream connection closes, the task ends cancelled, no more tokens', async () => {
    const page = await browser.newPage()
    await open(page, 'story')
    await page.click('button.run')
    await page.waitForFunction("(document.querySelector('#output')?.textContent ?? '').split(' ').length >= 3")
    expect(await page.textContent('.timing')).toMatch(/^Running… \d+\.\d+ s · first token \d+\.\d+ s$/)
    await page.click('button.stop')
    await page.waitForFunction(idle)
    expect(await page.textContent('.timing')).toMatch(/^Stopped after/)
    // The upstream saw its client leave, well before the story's end.
    for (let i = 0; i < 100 && showcase.upstream.stats('story').cancelledAt === undefined; i++) await Bun.sleep(50)
    const stats = showcase.upstream.stats('story')
    expect(stats.cancelledAt).toBeNumber()
    expect(stats.eventsSent).toBeLessThan(STORY.split(' ').length)
    const task = (await page.getAttribute('main', 'data-task'))!
    expect(await (await fetch(`${showcase.mc.api}/tasks/${task}`)).json()).toMatchObject({ task_id: task, status: 'failed', error: 'cancelled' })
    // What was shown stays, and grows no more.
    const shown = (await page.textContent('#output'))!
    expect(STORY.startsWith(shown)).toBe(true)
    await Bun.sleep(600) // four of the upstream's 150 ms token intervals
    expect(await page.textContent('#output')).toBe(shown)
    expect(showcase.upstream.stats('story').eventsSent).toBe(stats.eventsSent)
    await page.close()
  })

  // A stream that outlives its client: only the cancel the page sends ends the task.
  describe('when mc lets a stream outlive its client (MC_STREAM_GRACE_SECONDS)', () => {
    let patient: Showcase
    beforeAll(async () => {
      patient = await startShowcase({ MC_STREAM_GRACE_SECONDS: '60' })
    })
    afterAll(() => patient?.stop())

    /** Presses Stop, waits for the page to settle and the task to end: its stored state. */
    async function stop(page: Page): Promise<{ status?: string; error?: string }> {
      await page.click('button.stop')
      await page.waitForFunction(idle)
      const task = (await page.getAttribute('main', 'data-task'))!
      let status: { status?: string; error?: string } = {}
      for (let i = 0; i < 100 && status.status !== 'failed'; i++, await Bun.sleep(50)) status = (await (await fetch(`${patient.mc.api}/tasks/${task}`)).json()) as typeof status
      return status
    }

    test('Stop cancels the task', async () => {
      const page = await browser.newPage()
      await page.goto(`${patient.ui}/#story`)
      await page.click('button.run')
      await page.waitForFunction("(document.querySelector('#output')?.textContent ?? '').length > 0")
      expect(await stop(page)).toMatchObject({ status: 'failed', error: 'cancelled' })
      expect(patient.upstream.stats('story').eventsSent).toBeLessThan(STORY.split(' ').length)
      await page.close()
    })

    test("Stop before the first token cancels the task too: the answer's head names it", async () => {
      const page = await browser.newPage()
      await page.goto(`${patient.ui}/#held`)
      await page.click('button.run')
      await page.waitForSelector('main[data-task]')
      expect(await page.textContent('#output')).toBe('')
      expect(await stop(page)).toMatchObject({ status: 'failed', error: 'cancelled' })
      for (let i = 0; i < 100 && patient.upstream.stats('held').cancelledAt === undefined; i++) await Bun.sleep(50)
      expect(patient.upstream.stats('held').cancelledAt).toBeNumber()
      await page.close()
    })
  })

  test('the cancel route refuses a task id that is not one, naming the field', async () => {
    const answer = await fetch(`${showcase.ui}/ui/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: '../../x' }) })
    expect(answer.status).toBe(422)
    expect(((await answer.json()) as { detail: string }).detail).toStartWith('task_id must be')
    const unknown = await fetch(`${showcase.ui}/ui/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ task_id: 'NOSUCHTASK' }) })
    expect(unknown.status).toBe(404)
  })
})
