// The `model-tokenizer` component on the fixture models' tokenizers, through
// mc over HTTP: encode, decode and count as model-compose 0.4.92 shapes them,
// the ids checked against transformers.js's own tokenizer on the same files.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { AutoTokenizer } from '@huggingface/transformers'
import { composeDir, ROOT, runMc, startComposed, type McProcess } from '../../support/mc.ts'

const GPT2 = join(ROOT, 'test/fixtures/models/tiny-gpt2')
const BERT = join(ROOT, 'test/fixtures/models/tiny-bert-embedding')

// The reference's "Multiple Actions" component, and its "Variable Interpolation" one.
const compose = (port: number) => `
controller:
  port: ${port}
workflows:
  - id: encode
    jobs: [{ component: tokenizer, action: encode }]
  - id: count
    jobs: [{ component: tokenizer, action: count }]
  - id: decode
    jobs: [{ component: tokenizer, action: decode }]
  - id: encode-bert
    jobs: [{ component: bert }]
components:
  - id: tokenizer
    type: model-tokenizer
    task: text
    model: ${GPT2}
    actions:
      - id: encode
        method: encode
        text: \${input.text}
        max_length: 512
        truncation: true
      - id: count
        method: count
        text: \${input.text}
      - id: decode
        method: decode
        token_ids: \${input.token_ids}
        skip_special_tokens: \${input.skip as boolean | true}
  - id: bert
    type: model-tokenizer
    task: text
    model: ${BERT}
    action:
      method: encode
      text: \${input.text}
      max_length: \${input.max_length as integer | 512}
      truncation: \${input.truncation as boolean | true}
      padding: \${input.padding as boolean | false}
      additional_returns: [token_type_ids, special_tokens_mask, length]
`

let mc: McProcess
beforeAll(async () => {
  mc = await startComposed(compose)
})
afterAll(async () => {
  await mc?.stop()
})

async function run(workflow: string, input: unknown): Promise<{ status: number; output: any; body: any }> {
  const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: workflow, input, wait_for_completion: true }) })
  const body = (await response.json()) as any
  return { status: response.status, output: body.output, body }
}

describe('model-tokenizer', () => {
  test("encode: model-compose's {input_ids, attention_mask}, the ids transformers.js's tokenizer gives", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(GPT2)
    const { output } = await run('encode', { text: 'Hello, world' })
    expect(output).toEqual({ input_ids: tokenizer.encode('Hello, world'), attention_mask: output.input_ids.map(() => 1) })
    const list = (await run('encode', { text: ['a', 'bc'] })).output
    expect(list.map((e: any) => e.input_ids)).toEqual([tokenizer.encode('a'), tokenizer.encode('bc')])
  })

  test('encode with truncation, padding to max_length and the additional returns', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(BERT)
    const { output } = await run('encode-bert', { text: 'Cats sleep', max_length: 16, padding: true })
    const want = tokenizer.encode('Cats sleep') // [CLS] 10 bytes [SEP]
    expect(output.input_ids).toEqual([...want, 258, 258, 258, 258]) // [PAD]
    expect(output.attention_mask).toEqual([...want.map(() => 1), 0, 0, 0, 0])
    expect(output.token_type_ids).toEqual(new Array(16).fill(0))
    expect(output.special_tokens_mask).toEqual([1, ...new Array(10).fill(0), 1, 1, 1, 1, 1])
    expect(output.length).toBe(16)
    const truncated = (await run('encode-bert', { text: 'x'.repeat(100), max_length: 8 })).output
    expect(truncated.input_ids).toHaveLength(8)
    const whole = (await run('encode-bert', { text: 'x'.repeat(100), truncation: false })).output
    expect(whole.input_ids).toHaveLength(102)
  })

  test('count: the tokens of each text, special ones included', async () => {
    expect((await run('count', { text: 'Hello' })).output).toEqual({ count: 5 })
    expect((await run('count', { text: ['', 'abc'] })).output).toEqual([{ count: 0 }, { count: 3 }])
  })

  test('decode: {text} per sequence; special tokens skipped unless asked', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(GPT2)
    const ids = [...tokenizer.encode('Hi there'), 256]
    expect((await run('decode', { token_ids: ids })).output).toEqual({ text: 'Hi there' })
    expect((await run('decode', { token_ids: ids, skip: false })).output).toEqual({ text: 'Hi there<|endoftext|>' })
    expect((await run('decode', { token_ids: [ids, [72]] })).output).toEqual([{ text: 'Hi there' }, { text: 'H' }])
  })

  test('bad input: one line naming the field, a 4xx', async () => {
    const bad = await run('decode', { token_ids: [72, -1] })
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.body)).toContain('token_ids[1]: expected a token id')
    const notText = await run('count', { text: { a: 1 } })
    expect(notText.status).toBe(422)
    expect(JSON.stringify(notText.body)).toContain('text: expected a text or a list of texts')
  })
})

describe('what it cannot do is one line at file:line:col (mc validate)', () => {
  const validate = async (component: string) => {
    const result = await runMc(['validate'], { cwd: composeDir({ 'compose.yml': `component:\n  type: model-tokenizer\n  task: text\n  model: ${GPT2}\n${component}` }) })
    expect(result.code).toBe(1)
    return result.stderr.trim()
  }
  test('a method it does not have, a key of another method, an additional return transformers.js lacks, use_fast: false', async () => {
    expect(await validate('  method: split\n  text: hi\n')).toMatch(/compose\.yml:5:11: component\.method: expected one of encode, decode, count$/)
    expect(await validate('  method: count\n  text: hi\n  truncation: true\n')).toMatch(/compose\.yml:7:15: component\.truncation: "truncation" is not a key of method count$/)
    expect(await validate('  method: encode\n  text: hi\n  additional_returns: [offset_mapping]\n')).toMatch(/component\.additional_returns: "offset_mapping" is not one mc returns/)
    expect(await validate('  use_fast: false\n  method: count\n  text: hi\n')).toMatch(/component\.use_fast: mc cannot honour "use_fast: false"/)
  })
})
