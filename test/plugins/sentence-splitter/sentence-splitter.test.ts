// 0.4.92's data-streaming/sentence-splitter example, unchanged but for its URL
// and ports, served by `mc up`: an OpenAI-style upstream streams tokens, and
// sentences reach the HTTP client over SSE one by one while the upstream is
// still streaming. Plus the component's list form and its refusals.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, runMc, startMc, type McProcess } from '../../support/mc.ts'

const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/data-streaming/sentence-splitter/model-compose.yml'), 'utf8')
const KEYS = { OPENAI_API_KEY: 'sk-test' }

/** An OpenAI chat stream of `tokens`; after `holdAfter` tokens it waits until `release()` is called. */
function gatedUpstream(tokens: string[], holdAfter: number) {
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch() {
      const encoder = new TextEncoder()
      const event = (content: string | null) => encoder.encode(`data: ${JSON.stringify({ choices: [{ delta: content === null ? {} : { content } }] })}\n\n`)
      async function* body() {
        for (const [i, token] of tokens.entries()) {
          if (i === holdAfter) await gate
          yield event(token)
        }
        yield event(null)
        yield encoder.encode('data: [DONE]\n\n')
      }
      return new Response(body(), { headers: { 'content-type': 'text/event-stream' } })
    },
  })
  return { url: `http://127.0.0.1:${server.port}/v1`, release: () => release(), stop: () => server.stop(true) }
}

/** The SSE `data:` lines of a response as they arrive. */
async function* sseData(response: Response): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of response.body as ReadableStream<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      if (line.startsWith('data: ')) yield line.slice(6)
    }
  }
}

describe('0.4.92 data-streaming/sentence-splitter through mc up', () => {
  const tokens = ['Hello', ' there', '.', ' How', ' are', ' you', '?', ' I', ' am', ' fine', '!']
  const upstream = gatedUpstream(tokens, 4)
  let mc: McProcess
  beforeAll(async () => {
    const port = freePort()
    const text = EXAMPLE.replace('https://api.openai.com/v1', upstream.url).replace('port: 8080', `port: ${port}`).replace('port: 8081', `port: ${freePort()}`)
    mc = await startMc(composeDir({ 'model-compose.yml': text }), [], port, KEYS)
  })
  afterAll(async () => {
    await mc.stop()
    upstream.stop()
  })

  test('each sentence reaches the client as soon as it has ended, while the upstream still streams', async () => {
    const response = await fetch(`${mc.api}/workflows/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { prompt: 'Hi' }, output_only: true, wait_for_completion: true }),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const events = sseData(response)
    // The upstream holds its stream after " How" until the first sentence has arrived here.
    const first = await events.next()
    expect(first.value).toBe('Hello there.')
    upstream.release()
    const rest: string[] = []
    for await (const data of events) rest.push(data)
    expect(rest).toEqual(['How are you?', 'I am fine!'])
  })
})

describe('the list form and bad input', () => {
  const compose = (action: string) => `
workflow:
  jobs:
    - id: split
      component: splitter
      input: \${input}
components:
  - id: splitter
    type: sentence-splitter
    action:
${action}
`
  const run = async (yaml: string, input: unknown, env: Record<string, string> = {}) => runMc(['run', '-i', JSON.stringify(input)], { cwd: composeDir({ 'model-compose.yml': yaml }), env })

  test('without streaming, a text gives its list of sentences and a list of texts a list of lists', async () => {
    const yaml = compose('      text: ${input.text}\n      min_chunk_length: ${input.min as integer | 0}')
    expect(JSON.parse((await run(yaml, { text: 'One. Two! Three?' })).stdout)).toEqual(['One.', 'Two!', 'Three?'])
    expect(JSON.parse((await run(yaml, { text: ['A. B.', 'C'] })).stdout)).toEqual([['A.', 'B.'], ['C']])
    expect(JSON.parse((await run(yaml, { text: 'Hi. Yo. This is longer. Ok.', min: 10 })).stdout)).toEqual(['Hi. Yo. This is longer.', 'Ok.'])
  })

  test('a text with no end is cut at MC_MAX_SENTENCE_CHARS', async () => {
    const yaml = compose('      text: ${input.text}')
    const result = await run(yaml, { text: 'word '.repeat(40) }, { MC_MAX_SENTENCE_CHARS: '30' })
    const sentences: string[] = JSON.parse(result.stdout)
    expect(sentences.length).toBeGreaterThan(5)
    for (const sentence of sentences) expect(sentence.length).toBeLessThanOrEqual(30)
  })

  test('max_chunk_length below min_chunk_length is refused in one line', async () => {
    const yaml = compose('      text: ${input.text}\n      min_chunk_length: 20\n      max_chunk_length: ${input.max as integer}')
    const result = await run(yaml, { text: 'Hi.', max: 5 })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('mc | error: max_chunk_length (5) must be at least min_chunk_length (20) (job split, component splitter)\n')
  })

  test('a driver model-compose does not have is refused at its line', async () => {
    const result = await run(compose('      text: ${input.text}').replace('type: sentence-splitter', 'type: sentence-splitter\n    driver: spacy'), { text: 'Hi.' })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toContain('driver')
    expect(result.stderr).toContain('expected native')
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
  })
})
