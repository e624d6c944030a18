// model-compose 0.4.92's agent examples (test/fixtures/model-compose/0.4.92/
// agents/), run unchanged but for URLs, ports and keys by real `mc up`
// processes over the HTTP API: a local tool-calling model plays gpt-4o and
// asks for every tool of the example at once; the test serves the other
// upstreams (Tavily, OpenWeatherMap, web pages). Each test checks what the
// tools gave back as the model was sent it, and the workflow's answer.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, startMc, type McProcess } from '../../support/mc.ts'
import { call, startToolCallingUpstream, type ScriptedTurn, type ToolCallingUpstream } from '../../support/tool-calling-upstream.ts'

const AGENTS = join(import.meta.dir, '../../fixtures/model-compose/0.4.92/agents')
const KEYS = { OPENAI_API_KEY: 'sk-test-openai', TAVILY_API_KEY: 'tvly-test', OPENWEATHER_API_KEY: 'ow-test' }

const searches: unknown[] = []
const PAGE = `<html><head><title>Bun news</title></head><body><h1>Bun 2</h1><h2>Faster</h2><h2>Smaller</h2>
<p>Bun got faster.</p><a href="/about">About</a><a href="https://bun.sh/docs">Docs</a></body></html>`

let firstTurn: ScriptedTurn = { text: '' }
let model: ToolCallingUpstream
beforeAll(() => {
  model = startToolCallingUpstream({
    script: (_, turn) => (turn % 2 === 0 ? firstTurn : { text: `Final answer ${turn}.` }),
    routes: {
      '/search': async (request) => {
        searches.push(await request.json())
        return Response.json({ results: [{ title: 'Bun', url: 'https://bun.sh', content: 'A fast runtime' }] })
      },
      '/weather': (request) => {
        const q = new URL(request.url).searchParams
        return Response.json({ name: q.get('q'), main: { temp: 21.5, feels_like: 20, humidity: 40 }, weather: [{ description: `clear (${q.get('units')}, ${q.get('appid')})` }], wind: { speed: 3 } })
      },
      '/page': () => new Response(PAGE, { headers: { 'content-type': 'text/html; charset=utf-8' } }),
    },
  })
})
afterAll(() => model.stop())

/** `mc up` of an example with its upstreams swapped for the local ones, in a folder holding `files` too. */
async function up(example: string, files: Record<string, string> = {}): Promise<{ mc: McProcess; dir: string }> {
  const port = freePort()
  const swaps: [string, string][] = [
    ['https://api.openai.com/v1', `${model.url}/v1`],
    ['https://api.tavily.com/search', `${model.url}/search`],
    ['https://api.openweathermap.org/data/2.5/weather', `${model.url}/weather`],
    ['port: 8080', `port: ${port}`],
    ['port: 8081', `port: ${freePort()}`],
  ]
  let text = readFileSync(join(AGENTS, example, 'model-compose.yml'), 'utf8')
  for (const [from, to] of swaps) text = text.replaceAll(from, to)
  const dir = composeDir({ 'model-compose.yml': text, ...files })
  return { mc: await startMc(dir, [], port, KEYS), dir }
}

async function runMain(mc: McProcess, input: unknown, workflow = 'main') {
  const response = await fetch(`${mc.url}/api/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflow, input, wait_for_completion: true, output_only: true }),
  })
  return { status: response.status, body: (await response.json()) as any }
}

/** What the model was sent as tool results in its latest request: tool_call_id → content. */
function toolResults(): Record<string, string> {
  const last = model.requests[model.requests.length - 1]!
  return Object.fromEntries(last.messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id!, m.content as string]))
}

describe('0.4.92 examples/agents', () => {
  test('multi-tool: search, weather, calculator and clock at once; its tool workflows are private', async () => {
    firstTurn = { toolCalls: [call('s', 'search_web', { query: 'bun' }), call('w', 'get_weather', { city: 'Tokyo' }), call('c', 'run_calculation', { expression: 'print(2 ** 10)' }), call('t', 'get_current_time')] }
    const { mc } = await up('multi-tool')
    try {
      const { status, body } = await runMain(mc, { question: 'What now?' })
      expect(status).toBe(200)
      expect(body.answer).toMatch(/^Final answer \d+\.$/)
      expect(body.messages.map((m: { role: string }) => m.role)).toEqual(['assistant', 'tool', 'tool', 'tool', 'tool', 'assistant'])
      const results = toolResults()
      expect(JSON.parse(results.s!)).toEqual([{ title: 'Bun', url: 'https://bun.sh', content: 'A fast runtime' }])
      // The default of `max_results` (5) applies to the argument the model left out.
      expect(searches.at(-1)).toEqual({ api_key: 'tvly-test', query: 'bun', max_results: 5 })
      expect(JSON.parse(results.w!)).toEqual({ city: 'Tokyo', temperature: 21.5, feels_like: 20, humidity: 40, description: 'clear (metric, ow-test)', wind_speed: 3 })
      expect(results.c).toBe('1024')
      expect(results.t).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /)
      // The tool workflows are not served: not listed, not run, no schema.
      const listed = (await (await fetch(`${mc.url}/api/workflows`)).json()) as { workflow_id: string }[]
      expect(listed.map((w) => w.workflow_id)).toEqual(['main'])
      expect((await runMain(mc, { query: 'x' }, 'search-web')).status).toBe(404)
      expect((await fetch(`${mc.url}/api/workflows/search-web/schema`)).status).toBe(404)
    } finally {
      await mc.stop()
    }
  })

  test('disk-analyzer: df, du and ls of a folder', async () => {
    const { mc, dir } = await up('disk-analyzer', { 'data.txt': 'x'.repeat(5000) })
    firstTurn = { toolCalls: [call('d', 'get_disk_usage'), call('s', 'get_directory_sizes', { path: dir }), call('l', 'list_files', { path: dir })] }
    try {
      const { status, body } = await runMain(mc, {})
      expect(status).toBe(200)
      expect(body).toMatch(/^Final answer \d+\.$/)
      const results = toolResults()
      expect(results.d).toContain('Filesystem')
      expect(results.s).toEndWith(dir)
      expect(results.l).toContain('data.txt')
      // The default question was the prompt.
      expect(model.requests.at(-2)!.messages[1]).toEqual({ role: 'user', content: 'Analyze the disk usage of this system and identify any issues.' })
    } finally {
      await mc.stop()
    }
  })

  test('code-reviewer: reads, lists and searches the code under review', async () => {
    const { mc, dir } = await up('code-reviewer', {})
    writeFileSync(join(dir, 'app.py'), 'def hello():\n    return "hi"\n')
    firstTurn = { toolCalls: [call('r', 'read_file', { path: 'app.py' }), call('l', 'list_directory', { path: '.' }), call('s', 'search_code', { pattern: 'def hello' })] }
    try {
      const { status, body } = await runMain(mc, { request: 'Review app.py' })
      expect(status).toBe(200)
      expect(body.answer).toMatch(/^Final answer \d+\.$/)
      expect(model.requests.at(-2)!.messages[1]).toEqual({ role: 'user', content: 'Target path: .\nRequest: Review app.py\n' })
      const results = toolResults()
      expect(results.r).toBe('def hello():\n    return "hi"')
      expect(results.l).toContain('app.py')
      // `path` was left out: its default "." applies.
      expect(results.s).toContain('app.py:1:def hello():')
    } finally {
      await mc.stop()
    }
  })

  test('web-page-analyzer: fetches a page, its links and its h2 elements', async () => {
    const url = `${model.url}/page`
    firstTurn = { toolCalls: [call('p', 'fetch_page', { url }), call('a', 'extract_links', { url }), call('e', 'extract_elements', { url, selector: 'h2' })] }
    const { mc } = await up('web-page-analyzer')
    try {
      const { status, body } = await runMain(mc, { question: `What is on ${url}?` })
      expect(status).toBe(200)
      expect(body.answer).toMatch(/^Final answer \d+\.$/)
      const results = toolResults()
      expect(results.p).toContain('Bun got faster.')
      expect(JSON.parse(results.a!)).toEqual(['/about', 'https://bun.sh/docs'])
      expect(JSON.parse(results.e!)).toEqual(['Faster', 'Smaller'])
    } finally {
      await mc.stop()
    }
  })
})
