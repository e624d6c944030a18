// The data-queue component served by `mc up`: a producer workflow run per
// request fills it, a long-running consumer workflow reads it over SSE, as
// 0.4.92's data-streaming/data-queue-basic and llm-streaming-voice examples
// use it (their file-store, TTS and audio-playback parts left out). Sessions,
// several consumers, the size bound, spread of a list and of a stream.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, startComposed, startMc, type McProcess } from '../../support/mc.ts'
import { startUpstream, type Upstream } from '../../support/upstream.ts'

const compose = (upstreamUrl: string) => (port: number) => `
controller:
  type: http-server
  port: ${port}
workflows:
  - id: publish
    jobs:
      - component: messages
        action: enqueue
        input:
          session: \${input.session}
          text: \${input.text}
  - id: publish-all
    jobs:
      - component: messages
        action: enqueue-all
        input: \${input}
  - id: consume
    jobs:
      - component: messages
        action: dequeue
        input:
          session: \${input.session}
  - id: speak
    jobs:
      - id: chat
        component: openai-chat
        input:
          prompt: \${input.prompt}
      - id: split
        component: splitter
        input:
          text: \${jobs.chat.output}
        depends_on: [ chat ]
      - id: enqueue
        component: messages
        action: enqueue-all
        input:
          items: \${jobs.split.output}
          session: speech
        depends_on: [ split ]
components:
  - id: messages
    type: data-queue
    driver: memory
    max_size: 3
    actions:
      - id: enqueue
        method: enqueue
        item: \${input}
        session: \${input.session}
      - id: enqueue-all
        method: enqueue
        item: \${input.items}
        session: \${input.session}
        spread: true
      - id: dequeue
        method: dequeue
        session: \${input.session}
  - id: openai-chat
    type: http-client
    base_url: ${upstreamUrl}/v1
    action:
      path: /chat/completions
      method: POST
      body:
        model: gpt-4o
        messages:
          - role: user
            content: \${input.prompt}
        stream: true
      stream_format: json
      output: \${response[].choices[0].delta.content}
  - id: splitter
    type: sentence-splitter
    action:
      text: \${input.text}
      streaming: true
`

let upstream: Upstream
let mc: McProcess
beforeAll(async () => {
  upstream = startUpstream()
  mc = await startComposed(compose(upstream.url))
})
afterAll(async () => {
  await mc.stop()
  upstream.stop()
})

const post = (workflow: string, input: unknown, signal?: AbortSignal, server = mc) =>
  fetch(`${server.api}/workflows/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workflow_id: workflow, input, output_only: true, wait_for_completion: true }),
    signal,
  })

/** An SSE event's data: an object as JSON, a text as it is. */
const valueOf = (data: string): unknown => (data.startsWith('{') ? JSON.parse(data) : data)

/** A consumer run: its items as they come over SSE; `stop` leaves. */
function consumer(session?: string, workflow = 'consume', server = mc) {
  const leave = new AbortController()
  const received = post(workflow, session ? { session } : {}, leave.signal, server)
  async function* items(): AsyncGenerator<unknown> {
    const response = await received
    expect(response.headers.get('content-type')).toStartWith('text/event-stream')
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of response.body as ReadableStream<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true })
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 1)
        if (line.startsWith('data: ')) yield valueOf(line.slice(6))
      }
    }
  }
  const iterator = items()
  return {
    async take(count: number): Promise<unknown[]> {
      const out: unknown[] = []
      while (out.length < count) out.push((await iterator.next()).value)
      return out
    },
    stop: () => leave.abort(),
  }
}

const publish = async (text: string, session?: string) => {
  const response = await post('publish', { text, session })
  expect(response.status).toBe(200)
  expect(await response.json()).toBeNull()
}

describe('one queue between workflows', () => {
  test('a consumer gets what producers enqueue, in order, while it keeps running', async () => {
    const reader = consumer()
    await publish('a')
    await publish('b')
    expect(await reader.take(2)).toEqual([{ session: null, text: 'a' }, { session: null, text: 'b' }])
    await publish('c')
    expect(await reader.take(1)).toEqual([{ session: null, text: 'c' }])
    reader.stop()
  })

  test('sessions keep items apart; items wait for a consumer that comes later', async () => {
    await publish('for-b', 'B')
    await publish('for-a', 'A')
    const a = consumer('A')
    expect(await a.take(1)).toEqual([{ session: 'A', text: 'for-a' }])
    const b = consumer('B')
    expect(await b.take(1)).toEqual([{ session: 'B', text: 'for-b' }])
    a.stop()
    b.stop()
  })

  test('consumers of one session share its items, each item to one of them', async () => {
    const first = consumer('shared')
    const second = consumer('shared')
    for (const text of ['1', '2', '3', '4', '5', '6']) await publish(text, 'shared')
    const got: unknown[] = []
    const reads = [first, second].map(async (reader) => {
      for (;;) {
        const [item] = await reader.take(1)
        got.push((item as { text: string }).text)
        if (got.length === 6) break
      }
    })
    await Promise.race(reads)
    expect(got.toSorted()).toEqual(['1', '2', '3', '4', '5', '6'])
    first.stop()
    second.stop()
  })

  test('past max_size an enqueue answers 503 naming the queue and session, and the queue is intact', async () => {
    for (const text of ['x', 'y', 'z']) await publish(text, 'full')
    const refused = await post('publish', { text: 'too many', session: 'full' })
    expect(refused.status).toBe(503)
    expect(await refused.json()).toEqual({ detail: "data queue 'messages' session 'full' is full (max_size=3) (component messages)" })
    const reader = consumer('full')
    expect(await reader.take(3)).toEqual(['x', 'y', 'z'].map((text) => ({ session: 'full', text })))
    reader.stop()
  })
})

describe('spread', () => {
  test('a list with spread: true becomes one item per element', async () => {
    expect((await post('publish-all', { items: ['p', 'q'], session: 'list' })).status).toBe(200)
    const reader = consumer('list')
    expect(await reader.take(2)).toEqual(['p', 'q'])
    reader.stop()
  })

  test("an LLM's token stream, cut into sentences, becomes one item per sentence", async () => {
    const reader = consumer('speech')
    const done = await post('speak', { prompt: 'One. Two! Three?' })
    expect(done.status).toBe(200)
    expect(await reader.take(3)).toEqual(['You said: One.', 'Two!', 'Three?'])
    reader.stop()
  })
})

describe('readers that leave', () => {
  test('a session whose reader left is forgotten, freeing its place under MC_DATA_QUEUE_MAX_SESSIONS', async () => {
    const small = await startComposed(compose(upstream.url), { MC_DATA_QUEUE_MAX_SESSIONS: '1' })
    try {
      const reader = consumer('first', 'consume', small)
      expect((await post('publish', { text: 'one', session: 'first' }, undefined, small)).status).toBe(200)
      expect(await reader.take(1)).toEqual([{ session: 'first', text: 'one' }])
      const busy = await post('publish', { text: 'x', session: 'second' }, undefined, small)
      expect(busy.status).toBe(503)
      expect(await busy.json()).toEqual({ detail: "data queue 'messages' has 1 sessions in use (MC_DATA_QUEUE_MAX_SESSIONS); session 'second' must wait until one empties (component messages)" })
      reader.stop()
      // mc learns that the reader left when its connection closes: try until then (each try is refused or taken whole).
      let status = 503
      for (let tries = 0; status === 503 && tries < 200; tries++) {
        status = (await post('publish', { text: 'x', session: 'second' }, undefined, small)).status
        if (status === 503) await Bun.sleep(10)
      }
      expect(status).toBe(200)
      const next = consumer('second', 'consume', small)
      expect(await next.take(1)).toEqual([{ session: 'second', text: 'x' }])
      next.stop()
    } finally {
      await small.stop()
    }
  })
})

describe("0.4.92's data-streaming/data-queue-basic, unchanged but for its ports", () => {
  const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/data-streaming/data-queue-basic/model-compose.yml'), 'utf8')
  let dir: string
  let basic: McProcess
  beforeAll(async () => {
    const port = freePort()
    dir = composeDir({ 'model-compose.yml': EXAMPLE.replace('port: 8080', `port: ${port}`).replace('port: 8081', `port: ${freePort()}`) })
    basic = await startMc(dir, [], port)
  })
  afterAll(() => basic.stop())

  test('consume-messages writes each published message to its file, per session, as it comes', async () => {
    const plain = consumer(undefined, 'consume-messages', basic)
    const inSession = consumer('s1', 'consume-messages', basic)
    expect((await post('publish-message', { text: 'hello' }, undefined, basic)).status).toBe(200)
    expect((await post('publish-message', { text: 'yo', session: 's1' }, undefined, basic)).status).toBe(200)
    expect(await plain.take(1)).toEqual(['default/message-hello.txt'])
    expect(await inSession.take(1)).toEqual(['s1/message-yo.txt'])
    expect(readFileSync(join(dir, 'output/messages/default/message-hello.txt'), 'utf8')).toBe('hello')
    expect(readFileSync(join(dir, 'output/messages/s1/message-yo.txt'), 'utf8')).toBe('yo')
    plain.stop()
    inSession.stop()
  })
})
