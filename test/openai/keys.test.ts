// Named API keys at the OpenAI front: the SDK's apiKey is the key; a key at
// its `concurrent_runs` gets 429 (the SDK's RateLimitError) for a chat run
// while another key's run goes ahead.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import OpenAI from 'openai'
import { writeKeyFile, type McProcess } from '../support/mc.ts'
import { startUpstream, type Upstream } from '../support/upstream.ts'
import { startOnMcPort, workflowsDir } from './openai-compose.ts'

let upstream: Upstream
let mc: McProcess

beforeAll(async () => {
  upstream = startUpstream()
  const dir = workflowsDir(upstream.url)
  const keys = writeKeyFile(dir, 'alice: {key: sk-alice, concurrent_runs: 1}\nbob: sk-bob\n')
  mc = await startOnMcPort(dir, { USAGE_CHUNKS: '[]', MC_API_KEYS_FILE: keys })
})
afterAll(async () => {
  await mc?.stop()
  upstream?.stop()
})

const clientOf = (apiKey: string) => new OpenAI({ baseURL: `${mc.url}/v1`, apiKey, maxRetries: 0 })
const ask = (client: OpenAI, model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'one two three' }], stream: true })

test("a key at its concurrent_runs gets 429 from /v1; another key's run goes ahead", async () => {
  upstream.release('abort')
  const held = await ask(clientOf('sk-alice'), 'chat-gated')
  const refused = await ask(clientOf('sk-alice'), 'chat-messages').then(() => undefined, (error) => error)
  expect(refused).toBeInstanceOf(OpenAI.RateLimitError)
  expect(refused.headers.get('retry-after')).toBeTruthy()
  const other = await clientOf('sk-bob').chat.completions.create({ model: 'chat-messages', messages: [{ role: 'user', content: 'hi' }] })
  expect(other.choices[0]!.message.content).toBe('You said: hi')
  held.controller.abort()
})
