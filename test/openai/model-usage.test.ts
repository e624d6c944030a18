// A local `model` component as an OpenAI model: its `${completion}` (the
// answer in OpenAI's shape) served by /v1, with the usage counted by the
// model's own tokenizer — whole, streamed (`stream_options.include_usage`),
// and a streamed run gathered whole — and `${usage}` through the workflow API.
// Runs on the tiny GPT-2 fixture (test/fixtures/models, see make-models.ts),
// greedy, so every way of asking generates the same tokens.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { AutoTokenizer, env } from '@huggingface/transformers'
import OpenAI from 'openai'
import { join } from 'node:path'
import { composeDir, ROOT, type McProcess } from '../support/mc.ts'
import { startOnMcPort } from './openai-compose.ts'

const MODELS = join(ROOT, 'test/fixtures/models')
const MAX_NEW_TOKENS = 12

const compose = `
controller:
  type: http-server
  port: \${env.MC_PORT}
components:
  - id: chatter
    type: model
    task: chat-completion
    model: ${join(MODELS, 'tiny-gpt2')}
    messages: \${input.messages}
    streaming: \${input.stream | false}
    params:
      max_output_length: ${MAX_NEW_TOKENS}
      do_sample: false
    output: \${completion}
  - id: chatter-with-usage
    type: model
    task: chat-completion
    model: ${join(MODELS, 'tiny-gpt2')}
    messages: \${input.messages}
    params:
      max_output_length: ${MAX_NEW_TOKENS}
      do_sample: false
    output:
      text: \${result}
      usage: \${usage}
workflows:
  - id: local-chat
    job:
      component: chatter
      input:
        messages: \${input.messages}
    output: \${output}
  - id: local-chat-stream
    job:
      component: chatter
      input:
        messages: \${input.messages}
        stream: true
    output: \${output as stream/json}
  - id: text-and-usage
    job:
      component: chatter-with-usage
      input:
        messages: \${input.messages}
    output: \${output}
`

let mc: McProcess
let client: OpenAI
const MESSAGES = [{ role: 'system' as const, content: 'Be brief' }, { role: 'user' as const, content: 'Hello there' }]
/** The prompt's tokens as the model's tokenizer counts them: the chat template rendered, then encoded. */
let promptTokens: number

beforeAll(async () => {
  mc = await startOnMcPort(composeDir({ 'compose.yml': compose }), {})
  client = new OpenAI({ baseURL: `${mc.url}/v1`, apiKey: 'unused', maxRetries: 0 })
  env.allowRemoteModels = false
  env.localModelPath = `${MODELS}/`
  const tokenizer: any = await AutoTokenizer.from_pretrained('tiny-gpt2')
  const prompt = tokenizer.apply_chat_template(MESSAGES, { tokenize: false, add_generation_prompt: true })
  promptTokens = tokenizer(prompt, { add_special_tokens: false }).input_ids.dims[1]
})
afterAll(async () => {
  await mc?.stop()
})

/** What a whole answer says: its content, finish_reason and usage. */
async function wholeAnswer(model: string) {
  const answer = await client.chat.completions.create({ model, messages: MESSAGES })
  return { content: answer.choices[0]!.message.content, finish: answer.choices[0]!.finish_reason, usage: answer.usage }
}

describe('a local model through /v1 reports its usage', () => {
  test('stream: false: the usage counts the prompt with its tokenizer, and what it generated', async () => {
    const { content, finish, usage } = await wholeAnswer('local-chat')
    expect(content!.length).toBeGreaterThan(0)
    expect(usage!.prompt_tokens).toBe(promptTokens)
    expect(usage!.completion_tokens).toBeGreaterThan(0)
    expect(usage!.completion_tokens).toBeLessThanOrEqual(MAX_NEW_TOKENS)
    expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens)
    // All the new tokens it was allowed: `length`, as OpenAI says it.
    expect(finish).toBe(usage!.completion_tokens === MAX_NEW_TOKENS ? 'length' : 'stop')
  })

  test('streamed with include_usage: the same text piece by piece, the same usage in the last chunk', async () => {
    const whole = await wholeAnswer('local-chat')
    const chunks = []
    for await (const chunk of await client.chat.completions.create({ model: 'local-chat-stream', messages: MESSAGES, stream: true, stream_options: { include_usage: true } })) chunks.push(chunk)
    const pieces = chunks.map((c) => c.choices[0]?.delta.content).filter((text) => text)
    expect(pieces.length).toBeGreaterThan(1)
    expect(pieces.join('')).toBe(whole.content!)
    expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual([whole.finish])
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: whole.usage })
  })

  test('a streaming model asked with stream: false: gathered whole, its usage kept', async () => {
    expect(await wholeAnswer('local-chat-stream')).toEqual(await wholeAnswer('local-chat'))
  })

  test('${usage} through the workflow API, beside ${result}', async () => {
    const whole = await wholeAnswer('local-chat')
    const response = await fetch(`${mc.url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: 'text-and-usage', input: { messages: MESSAGES } }) })
    const run = (await response.json()) as { output: { text: string; usage: unknown } }
    expect(run.output).toEqual({ text: whole.content!, usage: whole.usage })
  })
})
