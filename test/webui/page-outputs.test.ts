// The Web UI page in Chromium: each output shown by its declared type — a
// markdown answer rendered (its raw HTML shown as text, never run), an image
// as a picture, JSON pretty-printed, text with its real line breaks — with a
// copy button; a switch's input as a dropdown, a file input as an upload;
// a failure as its message; the favicon; each title once.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { chromiumPresent, launchChromium } from '../support/chromium.ts'
import { MARKDOWN_ANSWER, startShowcase, type Showcase } from './showcase.ts'

let showcase: Showcase
let browser: Browser
let context: BrowserContext

/** The page opened on one workflow (#id), once its Run button is there. */
async function open(workflow: string): Promise<Page> {
  const page = await context.newPage()
  await page.goto(`${showcase.ui}/#${workflow}`)
  await page.waitForSelector('button.run')
  return page
}

async function run(page: Page): Promise<void> {
  await page.click('button.run')
  await page.waitForFunction("document.querySelector('.timing')?.dataset.state !== 'running' && !document.querySelector('button.run').disabled")
}

if (chromiumPresent()) describe('Web UI outputs and inputs in Chromium', () => {
  beforeAll(async () => {
    showcase = await startShowcase()
    browser = await launchChromium()
    context = await browser.newContext()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: showcase.ui })
  })
  afterAll(async () => {
    await browser?.close()
    await showcase?.stop()
  })

  test('a markdown answer is rendered; the HTML in it is shown as text and never runs', async () => {
    const page = await open('answer')
    await run(page)
    expect(await page.textContent('#output h2')).toBe('Three facts')
    expect(await page.textContent('#output strong')).toBe('world')
    expect(await page.locator('#output li').allTextContents()).toEqual(['one', 'two', 'three'])
    expect(await page.getAttribute('#output a', 'href')).toBe('https://example.com')
    // Raw HTML and a javascript: link: text, no element, nothing ran.
    expect(await page.locator('#output script, #output img, #output a[href^=javascript]').count()).toBe(0)
    expect(await page.textContent('#output')).toContain('<script>window.__injected = true</script>')
    expect(await page.evaluate('window.__injected')).toBeUndefined()
    expect(await page.textContent('.timing')).toMatch(/^Done in \d+\.\d+ s$/)
    // The copy button copies the answer as written.
    await page.click('.block button.copy')
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(MARKDOWN_ANSWER)
  })

  test('the markdown subset: lists nest, code and tables render, HTML and javascript: links stay text', async () => {
    const page = await open('answer')
    const html = (markdown: string) => page.evaluate((text) => (globalThis as unknown as { markdownToHtml(t: string): string }).markdownToHtml(text), markdown)
    expect(await html('1. first\n2. second\n   - nested\n3. third')).toBe('<ol><li>first</li><li>second<ul><li>nested</li></ul></li><li>third</li></ol>')
    expect(await html('```js\nconst a = "<b>"\n```')).toBe('<pre><code class="language-js">const a = &quot;&lt;b&gt;&quot;</code></pre>')
    expect(await html('| a | b |\n|---|---|\n| 1 | **2** |')).toBe('<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td><strong>2</strong></td></tr></tbody></table>')
    expect(await html('snake_case_name, a*b*c and `<code>`')).toBe('<p>snake_case_name, a*b*c and <code>&lt;code&gt;</code></p>')
    expect(await html('x <b onmouseover=alert(1)>y</b> [x](javascript:alert(1))')).toBe('<p>x &lt;b onmouseover=alert(1)&gt;y&lt;/b&gt; x</p>')
  })

  test('an image output is a picture; each field of an object output has its own block', async () => {
    const page = await open('picture')
    await page.fill('#in-caption', 'a gradient')
    await run(page)
    await page.waitForFunction("document.querySelector('.block img')?.complete")
    expect(await page.evaluate("[document.querySelector('.block img').naturalWidth, document.querySelector('.block img').naturalHeight]")).toEqual([160, 90])
    expect(await page.locator('.block-name').allTextContents()).toEqual(['image', 'caption'])
    expect(await page.textContent('.block:nth-child(2) .value')).toBe('a gradient')
  })

  test('JSON is pretty-printed; text keeps its real line breaks, not an escaped \\n', async () => {
    const page = await open('data')
    await run(page)
    expect(JSON.parse((await page.textContent('#output pre'))!)).toEqual({ text: 'hello there', received: { numbers: [1, 2, 3] } })
    expect(await page.textContent('#output pre')).toContain('\n  "text": "hello there"')
    await page.evaluate("location.hash = 'lines'")
    await page.waitForSelector('.hint:has-text("takes no input")')
    await run(page)
    expect(await page.textContent('#output')).toBe('first line\nsecond line')
    expect(await page.evaluate("document.querySelector('#output').innerText.split('\\n')")).toEqual(['first line', 'second line'])
  })

  test("a switch's input is a dropdown of its cases; a select input too", async () => {
    const page = await open('route')
    expect(await page.evaluate("[...document.querySelectorAll('select#in-model option')].map((o) => o.value)")).toEqual(['small', 'large'])
    await page.selectOption('#in-model', 'large')
    await run(page)
    expect(await page.textContent('#output')).toBe('large')
    // Gradio clients see the same choice.
    const config = (await (await fetch(`${showcase.ui}/config`)).json()) as { components: { type: string; props: { label: string; choices?: string[] } }[] }
    expect(config.components.find((c) => c.props.label === 'model')).toMatchObject({ type: 'dropdown', props: { choices: ['small', 'large'] } })
  })

  test('a file input is an upload; the file reaches the workflow', async () => {
    const page = await open('upload')
    expect(await page.locator('label.upload input[type=file]#in-document').count()).toBe(1)
    expect(await page.locator('select#in-kind option').allTextContents()).toEqual(['plain', 'fancy'])
    await page.setInputFiles('#in-document', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello file') })
    expect(await page.textContent('label.upload')).toContain('notes.txt')
    await page.selectOption('#in-kind', 'fancy')
    await run(page)
    expect(await page.textContent('#output')).toBe(`fancy ${Buffer.from('hello file').toString('base64')}`)
  })

  test("a failure shows the upstream's message, not a JSON blob", async () => {
    const page = await open('broken')
    await run(page)
    const error = (await page.textContent('.error'))!
    expect(error).toMatch(/^upstream POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions answered 500 Internal Server Error/)
    expect(await page.textContent('.timing')).toMatch(/^Failed after/)
  })

  test('the favicon is served; each workflow title shows once', async () => {
    const icon = await fetch(`${showcase.ui}/favicon.ico`)
    expect(icon.status).toBe(200)
    expect(icon.headers.get('content-type')).toBe('image/svg+xml')
    expect(await icon.text()).toStartWith('<svg')
    const page = await open('answer')
    const text = await page.evaluate('document.body.innerText')
    expect((text as string).split('Markdown answer').length - 1).toBe(1)
    expect(await page.title()).toBe('mc')
  })
})
