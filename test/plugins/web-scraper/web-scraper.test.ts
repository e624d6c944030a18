// The web-scraper component through `mc run` (a real process) against pages
// this test serves: what model-compose 0.4.92's scraper gives for them
// (BeautifulSoup for CSS selectors, lxml for XPath), how a failed fetch reads,
// and the load-time checks, each at its file:line:col.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { binaryFolder, runCommand } from '../../support/binary.ts'
import { composeDir, runMc } from '../../support/mc.ts'

const SHOP = `<!DOCTYPE html>
<html><head><title>Shop</title><style>p { color: red }</style></head>
<body>
  <div class="content main">
    <h1>Hello   <b>world</b></h1>
    <script>var hidden = 1</script>
    <p class="price">$10</p> each<p class="price">$20</p><!-- a comment -->
  </div>
  <a class="product-link" href="/p/1" rel="nofollow me">One</a>
  <a class="product-link" href="/p/2">Two</a>
  <div class='content'><p>First paragraph.</p><p>Second paragraph.</p></div>
</body></html>`

let server: ReturnType<typeof Bun.serve>
let base = ''

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const url = new URL(request.url)
      const html = (body: string, init: ResponseInit = {}) => new Response(body, { ...init, headers: { 'content-type': 'text/html; charset=utf-8' } })
      if (url.pathname === '/shop') return html(SHOP)
      if (url.pathname === '/echo') return html(`<p id="cookie">${request.headers.get('cookie')}</p><p id="agent">${request.headers.get('user-agent')}</p><p id="lang">${request.headers.get('accept-language')}</p>`)
      if (url.pathname.startsWith('/item/')) return html(`<h2>Item ${url.pathname.slice(6)}</h2>`)
      if (url.pathname === '/slow') {
        await Bun.sleep(3000)
        return html('<p>late</p>')
      }
      if (url.pathname === '/to-file') return new Response(null, { status: 302, headers: { location: 'file:///etc/passwd' } })
      if (url.pathname === '/big') return html(`<p>${'x'.repeat(200_000)}</p>`)
      return html('<h1>Not here</h1>', { status: 404, statusText: 'Not Found' })
    },
  })
  base = `http://127.0.0.1:${server.port}`
})
afterAll(() => server.stop(true))

/**
 * Two scrapers whose keys come from the input (model-compose refuses one with
 * both `selector` and `xpath`, even as templates). Their output wraps the
 * result, so that text and numbers read apart from `mc run`'s output.
 */
const SCRAPER = `
workflows:
  - { id: css, component: css }
  - { id: xpath, component: xpath }
components:
  - id: css
    type: web-scraper
    action:
      url: \${input.url}
      selector: \${input.selector}
      extract_mode: \${input.mode | text}
      attribute: \${input.attribute}
      multiple: \${input.multiple as boolean | false}
      output:
        value: \${result}
  - id: xpath
    type: web-scraper
    action:
      url: \${input.url}
      xpath: \${input.xpath}
      extract_mode: \${input.mode | text}
      attribute: \${input.attribute}
      multiple: \${input.multiple as boolean | false}
      output:
        value: \${result}
`

/** The workflow an input is for: xpath when it has one. */
const workflowOf = (input: Record<string, unknown>, yaml: string) => (yaml === SCRAPER ? ['xpath' in input ? 'xpath' : 'css'] : [])

async function scrape(input: Record<string, unknown>, yaml = SCRAPER, env: Record<string, string> = {}) {
  const result = await runMc(['run', ...workflowOf(input, yaml), '-i', JSON.stringify(input)], { cwd: composeDir({ 'model-compose.yml': yaml }), env })
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  const value = JSON.parse(result.stdout)
  return yaml === SCRAPER ? value.value : value
}

describe('CSS selectors, as BeautifulSoup reads them', () => {
  test('text: every text node stripped and joined by one space, scripts left out', async () => {
    expect(await scrape({ url: `${base}/shop`, selector: '.main' })).toBe('Hello world $10 each $20')
  })

  test('multiple gives a list; no match gives null, or [] with multiple', async () => {
    expect(await scrape({ url: `${base}/shop`, selector: '.price', multiple: true })).toEqual(['$10', '$20'])
    expect(await scrape({ url: `${base}/shop`, selector: '.price' })).toBe('$10')
    expect(await scrape({ url: `${base}/shop`, selector: '.missing' })).toBeNull()
    expect(await scrape({ url: `${base}/shop`, selector: '.missing', multiple: true })).toEqual([])
  })

  test('attribute: its value, "" when absent, a list of words for class and rel', async () => {
    expect(await scrape({ url: `${base}/shop`, selector: 'a.product-link', mode: 'attribute', attribute: 'href', multiple: true })).toEqual(['/p/1', '/p/2'])
    expect(await scrape({ url: `${base}/shop`, selector: 'a', mode: 'attribute', attribute: 'rel', multiple: true })).toEqual([['nofollow', 'me'], ''])
    expect(await scrape({ url: `${base}/shop`, selector: 'a', mode: 'attribute', attribute: 'class' })).toEqual(['product-link'])
  })

  test('html: the element with its markup', async () => {
    expect(await scrape({ url: `${base}/shop`, selector: 'h1', mode: 'html' })).toBe('<h1>Hello   <b>world</b></h1>')
  })

  test('a list or a map of selectors gives a list or a map of results', async () => {
    expect(await scrape({ url: `${base}/shop`, selector: ['title', 'h1 b'] })).toEqual(['Shop', 'world'])
    expect(await scrape({ url: `${base}/shop`, selector: { title: 'title', prices: '.price' }, multiple: true })).toEqual({ title: ['Shop'], prices: ['$10', '$20'] })
  })

  test('no selector: the whole page, as text or as markup', async () => {
    expect(await scrape({ url: `${base}/shop` })).toBe('Shop Hello world $10 each $20 One Two First paragraph. Second paragraph.')
    const page = await scrape({ url: `${base}/shop`, mode: 'html' })
    expect(page).toStartWith('<!DOCTYPE html>\n<html><head><title>Shop</title>')
    expect(page).toContain('<!-- a comment -->')
  })
})

describe('XPath, as lxml reads it', () => {
  test('elements, text() and @name', async () => {
    expect(await scrape({ url: `${base}/shop`, xpath: "//div[@class='content']//p", multiple: true })).toEqual(['First paragraph.', 'Second paragraph.'])
    expect(await scrape({ url: `${base}/shop`, xpath: '//h1/text()' })).toBe('Hello')
    expect(await scrape({ url: `${base}/shop`, xpath: '//a/@href', multiple: true })).toEqual(['/p/1', '/p/2'])
    expect(await scrape({ url: `${base}/shop`, xpath: '//A[2]', mode: 'attribute', attribute: 'href' })).toBe('/p/2')
    // in document order; an element's text is all of it, inner spaces kept
    expect(await scrape({ url: `${base}/shop`, xpath: '//h1 | //title', multiple: true })).toEqual(['Shop', 'Hello   world'])
  })

  test('html: the element and its tail, up to the next tag', async () => {
    expect(await scrape({ url: `${base}/shop`, xpath: "//p[@class='price']", mode: 'html', multiple: true })).toEqual(['<p class="price">$10</p> each', '<p class="price">$20</p>'])
  })

  test('a count or a string is the value itself; no match is null', async () => {
    expect(await scrape({ url: `${base}/shop`, xpath: 'count(//p)' })).toBe(4)
    expect(await scrape({ url: `${base}/shop`, xpath: 'string(//title)' })).toBe('Shop')
    expect(await scrape({ url: `${base}/shop`, xpath: '//table' })).toBeNull()
  })

  test('a broken expression fails the run saying so', async () => {
    const result = await runMc(['run', 'xpath', '-i', JSON.stringify({ url: `${base}/shop`, xpath: '//div[' })], { cwd: composeDir({ 'model-compose.yml': SCRAPER }) })
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: xpath: "//div[" is not an XPath 1.0 expression mc can evaluate (XPath parse error) (component xpath)\n' })
  })
})

describe('the request', () => {
  test("the component's headers and cookies, under the action's", async () => {
    const yaml = `
component:
  type: web-scraper
  headers: { User-Agent: "Mozilla/5.0 (Custom Bot)", Accept-Language: fr }
  cookies: { session: abc, theme: dark }
  action:
    url: \${input.url}
    selector: p
    multiple: true
    headers: { Accept-Language: en-US }
    cookies: { theme: light }
`
    expect(await scrape({ url: `${base}/echo` }, yaml)).toEqual(['session=abc; theme=light', 'Mozilla/5.0 (Custom Bot)', 'en-US'])
  })

  test('a list of URLs gives a list of results, in order', async () => {
    const yaml = `
component:
  type: web-scraper
  action: { url: "\${input.urls}", selector: h2, batch_size: 2 }
`
    expect(await scrape({ urls: [`${base}/item/1`, `${base}/item/2`, `${base}/item/3`] }, yaml)).toEqual(['Item 1', 'Item 2', 'Item 3'])
  })

  test('an output template reads ${result}', async () => {
    const yaml = `
component:
  type: web-scraper
  action:
    url: \${input.url}
    selector: a.product-link
    extract_mode: attribute
    attribute: href
    multiple: true
    output:
      links: \${result}
      first: \${result[0]}
`
    expect(await scrape({ url: `${base}/shop` }, yaml)).toEqual({ links: ['/p/1', '/p/2'], first: '/p/1' })
  })

  const failing = async (input: Record<string, unknown>, yaml = SCRAPER, env: Record<string, string> = {}) =>
    runMc(['run', ...workflowOf(input, yaml), '-i', JSON.stringify(input)], { cwd: composeDir({ 'model-compose.yml': yaml }), env })

  test('an error status fails the run with the status and the start of the body', async () => {
    expect(await failing({ url: `${base}/gone`, selector: 'p' })).toEqual({ code: 1, stdout: '', stderr: `mc | error: page GET ${base}/gone answered 404 Not Found: <h1>Not here</h1> (component css)\n` })
  })

  test('timeout bounds the whole fetch', async () => {
    const yaml = `
component:
  type: web-scraper
  timeout: 0.3s
  action: { url: "\${input.url}", selector: p }
`
    expect(await failing({ url: `${base}/slow` }, yaml)).toEqual({ code: 1, stdout: '', stderr: `mc | error: page GET ${base}/slow did not answer within 0.3s — the component's "timeout" is "0.3s" (model-compose.yml:4:12): raise it to wait longer\n` })
  })

  test('a page over MC_MAX_RESPONSE_BYTES is refused, naming the setting', async () => {
    const result = await failing({ url: `${base}/big`, selector: 'p' }, SCRAPER, { MC_MAX_RESPONSE_BYTES: '64KiB' })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `mc | error: page GET ${base}/big answered with a body larger than 64 KiB, the most mc reads whole (MC_MAX_RESPONSE_BYTES); raise it, e.g. -e MC_MAX_RESPONSE_BYTES=256KiB (component css)\n`,
    )
  })

  test('only http and https: a file: URL, or a redirect to one, is refused, nothing read', async () => {
    const result = await failing({ url: 'file:///etc/passwd', selector: 'p' })
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: url: expected an http:// or https:// URL, got "file:///etc/passwd" (component css)\n' })
    const redirected = await failing({ url: `${base}/to-file`, selector: 'p' })
    expect(redirected).toEqual({ code: 1, stdout: '', stderr: `mc | error: page GET ${base}/to-file: request failed: UnsupportedRedirectProtocol (component css)\n` })
  })

  test('an unreachable page says so', async () => {
    const result = await failing({ url: 'http://127.0.0.1:1/', selector: 'p' })
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'mc | error: page GET http://127.0.0.1:1/: request failed: ECONNREFUSED — nothing answers at http://127.0.0.1:1 (url at model-compose.yml:9:12): is it running? (component css)\n' })
  })
})

describe('load-time checks, at file:line:col', () => {
  const validate = (action: string, component = '') =>
    runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': `component:\n  type: web-scraper\n${component}  action:\n    url: http://example.com\n${action}` }) })
  const BROWSER = "needs a browser, which mc does not run (model-compose renders pages with Playwright); mc's web-scraper reads pages as the server sends them"

  test.each([
    ['    enable_javascript: true\n', '', `model-compose.yml:5:24: component.action.enable_javascript: true ${BROWSER}`],
    ['    submit: { selector: form }\n', '', `model-compose.yml:5:13: component.action.submit: filling and submitting a form ${BROWSER}`],
    ['    wait_for: .results\n', '', `model-compose.yml:5:15: component.action.wait_for: is for enable_javascript: true, which ${BROWSER}`],
    ['    extract_mode: markdown\n', '', 'model-compose.yml:5:19: component.action.extract_mode: expected one of text, html, attribute, got "markdown"'],
    ['    extract_mode: attribute\n', '', 'model-compose.yml:5:19: component.action.extract_mode: extract_mode: attribute needs "attribute", the name of the attribute to take'],
    ['    selector: p\n    xpath: //p\n', '', 'model-compose.yml:6:12: component.action.xpath: give "selector" or "xpath", not both'],
    ['', '  rate_limit: 10/s\n', "model-compose.yml:3:15: component.rate_limit: model-compose's rate limit of a scraper is not in mc"],
  ])('%p %p', async (action, component, message) => {
    expect(await validate(action, component)).toEqual({ code: 1, stdout: '', stderr: `mc | error: ${message}\n` })
  })
})

test('the single executable, alone in an empty folder, scrapes with CSS and XPath', async () => {
  const { dir, mc, env, remove } = await binaryFolder()
  try {
    writeFileSync(join(dir, 'model-compose.yml'), SCRAPER)
    const run = async (workflow: string, input: Record<string, unknown>) => {
      const result = await runCommand([mc, 'run', workflow, '-i', JSON.stringify(input)], dir, env())
      expect(result.stderr).toBe('')
      return JSON.parse(result.stdout).value
    }
    expect(await run('css', { url: `${base}/shop`, selector: '.price', multiple: true })).toEqual(['$10', '$20'])
    expect(await run('xpath', { url: `${base}/shop`, xpath: '//h1 | //title', multiple: true })).toEqual(['Shop', 'Hello   world'])
    expect(await run('xpath', { url: `${base}/shop`, xpath: 'count(//p)' })).toBe(4)
  } finally {
    remove()
  }
}, 60_000)

test('a scraper without url is refused at its line', async () => {
  const cwd = composeDir({ 'model-compose.yml': 'component:\n  type: web-scraper\n  selector: p\n' })
  expect(await runMc(['validate'], { cwd })).toEqual({ code: 1, stdout: '', stderr: 'mc | error: model-compose.yml:2:3: component: needs "url"\n' })
})

describe("model-compose's web-automation/web-scraper example", () => {
  const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/web-automation/web-scraper/model-compose.yml'), 'utf8')
  /** What PyYAML reads: of a repeated key, the last one (the example repeats extract_mode). */
  const asRead = EXAMPLE.replace(/^ {6}extract_mode: (text|html|attribute)\n/gm, '')
  /** Without the one scraper that submits a form in a browser. */
  const withoutBrowser = asRead.replace(/ {2}- id: form-scraper\n[\s\S]*?\n\n/, '').replace(/ {2}- id: form-submission\n[\s\S]*?\n\n/, '')

  test('as shipped it is refused: a repeated key, then the browser it needs', async () => {
    const refused = async (text: string) => (await runMc(['validate'], { cwd: composeDir({ 'model-compose.yml': text }) })).stderr
    expect(await refused(EXAMPLE)).toBe('mc | error: model-compose.yml:19:7: invalid YAML: duplicate key "extract_mode"\n')
    expect(await refused(asRead)).toBe(`mc | error: model-compose.yml:37:26: components[2].action.enable_javascript: true needs a browser, which mc does not run (model-compose renders pages with Playwright); mc's web-scraper reads pages as the server sends them\n`)
  })

  test('its other five scrapers load and run', async () => {
    const cwd = composeDir({ 'model-compose.yml': withoutBrowser })
    expect(await runMc(['validate'], { cwd })).toMatchObject({ code: 0 })
    const run = async (workflow: string, input: Record<string, unknown>) => {
      const result = await runMc(['run', workflow, '-i', JSON.stringify(input)], { cwd })
      expect(result.stderr).toBe('')
      return JSON.parse(result.stdout)
    }
    expect(await run('xpath-extraction', { url: `${base}/shop` })).toEqual({ paragraphs: ['First paragraph.', 'Second paragraph.'] })
    expect(await run('extract-links', { url: `${base}/shop` })).toEqual({ links: ['One', 'Two'] }) // extract_mode's last value, text, wins
    expect(await run('multiple-elements', { url: `${base}/echo`, selector: '#agent' })).toEqual({ titles: ['Mozilla/5.0 (compatible; MyBot/1.0)'] })
    expect(await run('html-extraction', { url: `${base}/shop`, selector: 'h1', extract_mode: 'html' })).toEqual({ html: '<h1>Hello   <b>world</b></h1>' })
    expect(await run('basic-scraping', { url: `${base}/shop`, selector: 'title' })).toEqual({ content: 'Shop' })
  })
})
