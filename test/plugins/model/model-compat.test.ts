// model-compose's `model` components (0.4.10 and 0.4.92 keys) on the tiny
// fixture models (test/fixtures/make-models.ts), through mc as a user runs it.
// The fixtures continue a prompt from its last character: each byte is
// followed by the next of the cycle "token ", any other byte by "t". So what a
// chat template prints last, or where max_input_length cuts a prompt, shows in
// the text generated.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeGpt2 } from '../../fixtures/make-models.ts'
import { composeDir, freePort, ROOT, runMc, startMc, type McProcess } from '../../support/mc.ts'

const MODELS = join(ROOT, 'test/fixtures/models')
const GPT2 = join(MODELS, 'tiny-gpt2')
const BART = join(MODELS, 'tiny-bart')
const EXAMPLES = join(ROOT, 'test/fixtures/model-compose')

/** Prints "k" when the first tool is the weather function as model-compose builds it, "e" for another tool, "!" for none. */
const TOOLS_TEMPLATE =
  "{% for m in messages %}{{ m.content }}{% endfor %}{% if tools %}{% if tools[0].type == 'function' and tools[0].function.name == 'weather' and tools[0].function.parameters.properties.city.type == 'string' %}k{% else %}e{% endif %}{% else %}!{% endif %}"

const compose = (port: number) => `
controller:
  port: ${port}
workflows:
${['object', 'truncated', 'text-to-text', 'stop', 'no-tools', 'tool-roles'].map((id) => `  - id: ${id}\n    output: \${output as text;sse-text}\n    jobs: [{component: ${id}}]`).join('\n')}
${['all', 'named', 'own', 'input'].map((id) => `  - id: tools-${id}\n    jobs: [{component: chat, action: ${id}}]`).join('\n')}
components:  # 0.4.92: model as an object, prompt and max_output_length as action keys; 0.4.10: max_input_length in params
  - {id: object, type: model, task: text-generation, model: {provider: local, path: ${GPT2}}, prompt: "\${input.text}", max_output_length: 12}
  - {id: truncated, type: model, task: text-generation, model: ${GPT2}, text: "\${input.text}", params: {max_input_length: 4, max_output_length: 12}}
  - {id: text-to-text, type: model, task: text-to-text, driver: huggingface, architecture: bart, model: ${BART}, text: "\${input.text}", max_input_length: "\${input.limit | 4096}", streaming: "\${input.stream | false}", params: {do_sample: false, max_output_length: 12}}
  - {id: stop, type: model, task: text-generation, model: ${GPT2}, text: "\${input.text}", stop_sequences: ["en t"], streaming: "\${input.stream | false}", max_output_length: 20}
  - {id: no-tools, type: model, task: chat-completion, model: ${GPT2}, chat_template: "${TOOLS_TEMPLATE}", messages: {role: user, content: "\${input.text}"}, max_output_length: 5}  # one message, not a list (0.4.10)
  - id: tool-roles             # 0.4.10's tool call and tool result have no role
    type: model
    task: chat-completion
    model: ${GPT2}
    chat_template: "{% if messages[1].role == 'assistant' and messages[2].role == 'tool' %}k{% else %}!{% endif %}"
    messages: [{role: user, content: "\${input.text}"}, {name: weather, call_id: c1, arguments: {city: Paris}}, {call_id: c1, content: sunny}]
    max_output_length: 5
  - id: chat
    type: model
    task: chat-completion
    model: ${GPT2}
    chat_template: "${TOOLS_TEMPLATE}"
    tools:
      - {name: time, description: The time in a zone}
      - name: weather
        description: The weather in a city
        parameters: {type: object, properties: {city: {type: string}}, required: [city]}
    messages:
      - role: user
        content: \${input.text}
    max_output_length: 5
    actions:
      - id: all                # no tools named: the component's whole list
      - id: named
        tools: [weather]
      - id: own                # 0.4.10: the action's own definitions
        tools:
          - {name: weather, parameters: {type: object, properties: {city: {type: string}}}}
      - id: input
        tools: \${input.tools}
`

let mc: McProcess

const post = (url: string, body: unknown) => fetch(`${url}/api/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

const run = async (workflow: string, input: Record<string, unknown>): Promise<string> => {
  const response = await post(mc.url, { workflow_id: workflow, input })
  const body = (await response.json()) as { status: string; output: string; error?: unknown }
  expect(body).toMatchObject({ status: 'completed' })
  return body.output
}

/** The chunks of a streamed run, as an SSE parser gets them. */
const chunks = async (workflow: string, input: Record<string, unknown>): Promise<string[]> => {
  const response = await post(mc.url, { workflow_id: workflow, input: { ...input, stream: true }, output_only: true })
  expect(response.headers.get('content-type')).toBe('text/event-stream')
  return (await response.text()).replace(/^id: .*\n/gm, '').split('\n\n').filter(Boolean).map((event) => event.replace(/^data: /, ''))
}

describe('model-compose keys, through real runs', () => {
  beforeAll(async () => {
    const port = freePort()
    mc = await startMc(composeDir({ 'compose.yml': compose(port) }), [], port)
  })
  afterAll(async () => {
    await mc?.stop()
  })

  test('model: as an object, prompt and max_output_length as action keys (0.4.92)', async () => {
    expect(await run('object', { text: 'Hello to' })).toBe('ken token to')
  })

  test('params.max_input_length keeps the first tokens of the prompt', async () => {
    // "Hello to" cut to "Hell": the text goes on from "l", not from "o".
    expect(await run('truncated', { text: 'Hello to' })).toBe('token token ')
    expect(await run('object', { text: 'Hell' })).toBe('token token ')
  })

  test('task: text-to-text with driver: huggingface runs on the seq2seq model, whole and streamed', async () => {
    const whole = await run('text-to-text', { text: 'Hello to' })
    expect(whole.length).toBe(12)
    const streamed = await chunks('text-to-text', { text: 'Hello to' })
    expect(streamed.length).toBeGreaterThan(1)
    expect(streamed.join('')).toBe(whole)
  })

  test('max_input_length on a seq2seq model: a long input runs, and only its first tokens count', async () => {
    const a = `Summarize this. ${'a'.repeat(3000)}`
    const z = `Summarize this. ${'z'.repeat(3000)}`
    const [wholeA, wholeZ] = [await run('text-to-text', { text: a }), await run('text-to-text', { text: z })]
    expect(wholeA).not.toBe(wholeZ) // the encoder reads every token
    // <s> and the 16 characters both texts begin with
    expect(await run('text-to-text', { text: a, limit: 17 })).toBe(await run('text-to-text', { text: z, limit: 17 }))
  })

  test('stop_sequences end generation at the token completing one, kept in the text', async () => {
    expect(await run('stop', { text: 'Hello to' })).toBe('ken t')
    expect((await chunks('stop', { text: 'Hello to' })).join('')).toBe('ken t')
  })

  test('tools reach the chat template as model-compose builds them', async () => {
    expect(await run('no-tools', { text: 'Hi' })).toBe('token') // the template printed "!"
    expect(await run('tools-all', { text: 'Hi' })).toBe('n tok') // "e": the first of the list is "time"
    expect(await run('tools-named', { text: 'Hi' })).toBe('en to') // "k": weather, {type: function, function: {...}}
    expect(await run('tools-own', { text: 'Hi' })).toBe('en to')
    expect(await run('tools-input', { text: 'Hi', tools: ['weather'] })).toBe('en to')
    expect(await run('tool-roles', { text: 'Hi' })).toBe('en to')
    const unknown = await post(mc.url, { workflow_id: 'tools-input', input: { text: 'Hi', tools: ['nope'] } })
    expect(unknown.status).toBe(422)
    expect(JSON.stringify(await unknown.json())).toContain(`tools: tool \\"nope\\" is not in the component's tools (it has: time, weather)`)
  })
})

describe('what mc cannot do is one line at file:line:col (mc validate)', () => {
  const validate = async (component: string) => {
    const dir = composeDir({ 'compose.yml': `component:\n  type: model\n${component}` })
    const result = await runMc(['validate'], { cwd: dir })
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1)
    return result.stderr.trim()
  }
  const model = `  model: ${GPT2}\n`

  test('a model-compose task mc does not have', async () => {
    expect(await validate(`  task: image-to-text\n${model}  text: hi\n`)).toBe('mc | error: compose.yml:3:9: component.task: "image-to-text" is a model-compose model task that mc does not have (mc has: text-generation, chat-completion, text-to-text, summarization, translation, text-embedding, text-classification, text-reranking)')
  })
  test('a model-compose driver mc does not have', async () => {
    expect(await validate(`  task: chat-completion\n  driver: llamacpp\n${model}  messages: [{role: user, content: hi}]\n`)).toBe('mc | error: compose.yml:4:11: component.driver: "llamacpp" is a model-compose model driver that mc does not have (mc has: huggingface)')
  })
  // [what, the keys after task and model, the line]
  const gpt2 = `  task: text-generation\n${model}  text: hi\n`
  const refused: [string, string, RegExp][] = [
    ['peft_adapters', `${gpt2}  peft_adapters:\n    - {type: lora, model: tloen/alpaca-lora-7b}\n`, /:7:5: component\.peft_adapters: mc cannot honour "peft_adapters": transformers\.js cannot apply LoRA/],
    ['quantization', `${gpt2}  quantization: int8\n`, /:6:17: component\.quantization: mc cannot honour "quantization": .*"dtype"/],
    ['fast_tokenizer: false', `${gpt2}  fast_tokenizer: false\n`, /component\.fast_tokenizer: mc cannot honour "fast_tokenizer"/],
    ['precision: bfloat16', `${gpt2}  precision: bfloat16\n`, /component\.precision: precision "bfloat16": bfloat16 weights have no ONNX form/],
    ['an architecture of another task', `${gpt2}  architecture: t5\n`, /component\.architecture: architecture "t5" does not apply to task text-generation/],
    ['a length given twice', `${gpt2}  max_output_length: 4\n  params: {max_output_length: 5}\n`, /component\.max_output_length: max_output_length is given twice/],
    ['num_return_sequences', `${gpt2}  num_return_sequences: 3\n`, /component\.num_return_sequences: mc returns one text per input/],
    ['a file of the repository', '  task: text-generation\n  model: {repository: gpt2, filename: pytorch_model.bin}\n  text: hi\n', /component\.model\.filename: mc cannot honour "filename"/],
    ['a named model', '  task: text-generation\n  model: {provider: named, name: buffalo_l}\n  text: hi\n', /component\.model\.provider: provider "named" names a model known to one of model-compose's custom drivers/],
    ['a GGUF file', '  task: text-generation\n  model: {provider: local, path: ./m.gguf, format: gguf}\n  text: hi\n', /component\.model\.format: format "gguf": mc runs ONNX models/],
    ['keys of two providers', '  task: text-generation\n  model: {repository: gpt2, path: ./m}\n  text: hi\n', /component\.model\.path: "path" is a key of provider local, not huggingface/],
  ]
  for (const [what, keys, message] of refused) {
    test(`refused: ${what}`, async () => {
      expect(await validate(keys)).toMatch(message)
    })
  }
  test('a tool name not in the component\'s tools', async () => {
    expect(await validate(`  task: chat-completion\n${model}  tools: [{name: time}]\n  messages: [{role: user, content: hi}]\n  actions:\n    - id: ask\n      tools: [weather]\n`)).toMatch(/component\.actions\[0\]\.tools: tool "weather" is not in the component's tools \(it has: time\)/)
  })
})

describe('a model that does not fit its task says so in one line when it loads', () => {
  const load = async (files: Record<string, string>) => {
    const result = await runMc(['run', '-i', '{"text": "Hi"}'], { cwd: composeDir(files) })
    expect(result.code).toBe(1)
    return result.stderr.trim().split('\n').at(-1)
  }
  test('chat-completion on a tokenizer without a chat template (gpt2, DialoGPT) names chat_template', async () => {
    const dir = composeDir({})
    makeGpt2(join(dir, 'no-template'), { chatTemplate: false })
    const chat = (extra: string) => `component:\n  type: model\n  task: chat-completion\n  model: ${join(dir, 'no-template')}\n${extra}  messages:\n    - role: user\n      content: \${input.text}\n  max_output_length: 5\n`
    expect(await load({ 'compose.yml': chat('') })).toBe(`mc | error: model ${join(dir, 'no-template')} has no chat template (its tokenizer sets none): give the component a "chat_template" (a Jinja template), or use task: text-generation`)
    const given = await runMc(['run', '-i', '{"text": "Hi"}'], { cwd: composeDir({ 'compose.yml': chat('  chat_template: "{{ messages[0].content }} to"\n') }) })
    expect(given.stdout).toBe('ken t\n')
  })
  test('architecture: seq2seq on a decoder-only model', async () => {
    expect(await load({ 'compose.yml': `component:\n  type: model\n  task: text-generation\n  architecture: seq2seq\n  model: ${GPT2}\n  text: x\n` })).toBe(`mc | error: model ${GPT2} is decoder-only (causal), but the component says architecture: seq2seq`)
  })
  test('text-to-text on a decoder-only model', async () => {
    expect(await load({ 'compose.yml': `component:\n  type: model\n  task: text-to-text\n  model: ${GPT2}\n  text: x\n` })).toBe(`mc | error: model ${GPT2} is decoder-only (causal): task text-to-text needs an encoder-decoder (seq2seq) model (use task: text-generation)`)
  })
})

test('model: {provider: huggingface, repository, revision, cache_dir, token}, then local_files_only reads that cache alone', async () => {
  // A private Hub (HF_ENDPOINT) answering only with the token: revision v1 holds the GPT-2 fixture, main the BART one.
  const TOKEN = 'hub-token-5f3a9c1e'
  const requests: string[] = []
  const hub = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname)
      requests.push(path)
      if (request.headers.get('authorization') !== `Bearer ${TOKEN}`) return new Response('unauthorized', { status: 401 })
      const match = /^\/test-org\/tiny\/resolve\/(v1|main)\/(.+)$/.exec(path)
      const file = match ? Bun.file(join(match[1] === 'v1' ? GPT2 : BART, match[2]!)) : undefined
      return file && (await file.exists()) ? new Response(file) : new Response('not found', { status: 404 })
    },
  })
  try {
    const file = (extra: string) =>
      `component:\n  type: model\n  task: text-generation\n  model:\n    repository: test-org/tiny\n    revision: v1\n    cache_dir: ./hub-cache\n${extra}  text: \${input.text}\n  max_output_length: 12\n`
    const dir = composeDir({ 'compose.yml': file('    token: ${env.HUB_TOKEN}\n') })
    const env = { HF_ENDPOINT: `http://127.0.0.1:${hub.port}`, MC_CACHE_DIR: join(dir, 'default-cache') }
    const first = await runMc(['run', '-i', '{"text": "Hello to"}'], { cwd: dir, env: { ...env, HUB_TOKEN: TOKEN } })
    expect(first.stdout).toBe('ken token to\n') // GPT-2: revision v1, not main
    expect(existsSync(join(dir, 'hub-cache/test-org/tiny/v1/onnx/model.onnx'))).toBe(true)
    expect(existsSync(join(dir, 'default-cache'))).toBe(false)
    expect(first.stderr).not.toContain(TOKEN)
    const refused = await runMc(['run', '-i', '{"text": "Hello to"}'], { cwd: dir, env: { ...env, HUB_TOKEN: 'wrong-token-0000' } })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('Unauthorized access')
    writeFileSync(join(dir, 'compose.yml'), file('    local_files_only: true\n'))
    const asked = requests.length
    const cached = await runMc(['run', '-i', '{"text": "Hello to"}'], { cwd: dir, env })
    expect(cached.stdout).toBe('ken token to\n')
    expect(requests.length).toBe(asked) // nothing asked of the Hub
  } finally {
    hub.stop(true)
  }
})

test('preload: false loads the model on its first run, not at start', async () => {
  const port = freePort()
  const dir = composeDir({ 'compose.yml': `controller:\n  port: ${port}\ncomponent:\n  type: model\n  task: text-generation\n  model: ${GPT2}\n  preload: false\n  text: \${input.text}\n  max_output_length: 12\n` })
  const server = await startMc(dir, [], port)
  try {
    await Bun.sleep(300)
    expect(server.logs()).not.toContain('loading model')
    const response = await post(server.url, { input: { text: 'Hello to' } })
    expect(((await response.json()) as { output: string }).output).toBe('ken token to')
    expect(server.logs()).toContain('loading model')
  } finally {
    await server.stop()
  }
})

describe('model-compose example files, their model replaced by a fixture', () => {
  const runs: [string, string, string, string, (stdout: string) => unknown][] = [
    ['0.4.10/model-tasks/summarization', 'facebook/bart-large-cnn', BART, '{"text": "A long text."}', (out) => JSON.parse(out).summary], // architecture: seq2seq, params.max_input_length
    ['0.4.92/model-tasks/summarization-stream', 'facebook/bart-large-cnn', BART, '{"text": "A long text."}', (out) => out], // text-to-text, driver, architecture: bart, streaming
    ['0.4.92/model-tasks/translation', 'alirezamsh/small100', BART, '{"text": "안녕하세요"}', (out) => JSON.parse(out).translated],
  ]
  for (const [path, from, to, input, text] of runs) {
    test(path, async () => {
      const file = readFileSync(join(EXAMPLES, path, 'model-compose.yml'), 'utf8').replace(from, to)
      const result = await runMc(['run', '-i', input], { cwd: composeDir({ 'model-compose.yml': file }) })
      expect(result.code).toBe(0)
      expect(text(result.stdout)).toContain('token token')
    })
  }
  test('0.4.10 text-generation-lora is refused at its peft_adapters', async () => {
    const result = await runMc(['-f', join(EXAMPLES, '0.4.10/model-tasks/text-generation-lora/model-compose.yml'), 'validate'])
    expect(result.stderr).toMatch(/model-compose\.yml:24:5: component\.peft_adapters: mc cannot honour "peft_adapters"/)
  })
})
