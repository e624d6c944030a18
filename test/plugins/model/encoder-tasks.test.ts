// The encoder tasks of the `model` plugin (text-embedding, text-classification,
// text-reranking) on the tiny BERT-shaped fixtures (test/fixtures/
// make-encoder-models.ts), through mc over HTTP; each answer is checked
// against transformers.js's own pipeline (or its model class, for reranking,
// which has no pipeline) run here on the same files.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AutoModelForSequenceClassification, AutoTokenizer, pipeline } from '@huggingface/transformers'
import { ROOT, startComposed, type McProcess } from '../../support/mc.ts'

const MODELS = join(ROOT, 'test/fixtures/models')
const EMBEDDING = join(MODELS, 'tiny-bert-embedding')
const CLASSIFIER = join(MODELS, 'tiny-bert-classifier')
const MULTILABEL = join(MODELS, 'tiny-bert-multilabel')
const RERANKER = join(MODELS, 'tiny-bert-reranker')

// The embedding model again, its sentence-transformers pooling set to the first token's.
const CLS_POOLED = mkdtempSync(join(tmpdir(), 'mc-cls-pooled-'))
cpSync(EMBEDDING, CLS_POOLED, { recursive: true })
writeFileSync(join(CLS_POOLED, '1_Pooling/config.json'), JSON.stringify({ word_embedding_dimension: 64, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false }))

const workflow = (id: string) => `  - id: ${id}\n    jobs:\n      - component: ${id}\n`
const compose = (port: number) => `
controller:
  port: ${port}
workflows:
${['embed', 'embed-openai', 'embed-raw', 'embed-configured', 'classify', 'classify-named', 'classify-multi', 'rerank', 'rerank-objects'].map(workflow).join('')}
components:
  - id: embed
    type: model
    task: text-embedding
    model: ${EMBEDDING}
    text: \${input.text}
    batch_size: \${input.batch_size as integer | 32}
    max_input_length: \${input.max_length as integer | 512}
  - id: embed-openai
    type: model
    task: text-embedding
    model: ${EMBEDDING}
    text: \${input.input}
  - id: embed-raw
    type: model
    task: text-embedding
    model: ${EMBEDDING}
    text: \${input.text}
    params: { pooling: cls, normalize: false }
  - id: embed-configured
    type: model
    task: text-embedding
    architecture: sbert
    model: ${CLS_POOLED}
    text: \${input.text}
  - id: classify
    type: model
    task: text-classification
    model: ${CLASSIFIER}
    text: \${input.text}
    return_probabilities: true
    batch_size: 2
  - id: classify-named
    type: model
    task: text-classification
    model: ${CLASSIFIER}
    labels: [bad, good]
    text: \${input.text}
  - id: classify-multi
    type: model
    task: text-classification
    model: ${MULTILABEL}
    text: \${input.text}
    top_k: 3
  - id: rerank
    type: model
    task: text-reranking
    model: ${RERANKER}
    query: \${input.query}
    documents: \${input.documents}
    top_k: \${input.top_k as integer | 10}
    return_documents: \${input.return_documents | true}
  - id: rerank-objects
    type: model
    task: text-reranking
    model: ${RERANKER}
    query: \${input.query}
    documents: \${input.documents}
    document_field: text
    score_threshold: 0.5
    params: { normalize: true }
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

/** Every number of `actual` within 1e-5 of `expected`'s. */
function expectClose(actual: number[][], expected: number[][]) {
  expect(actual.length).toBe(expected.length)
  actual.forEach((row, i) => {
    expect(row.length).toBe(expected[i]!.length)
    row.forEach((value, j) => expect(Math.abs(value - expected[i]![j]!)).toBeLessThan(1e-5))
  })
}

const TEXTS = ['Cats sleep most of the day.', 'The stock market fell sharply.', 'A short one', 'x'.repeat(3000), '']

describe('text-embedding', () => {
  let extractor: Awaited<ReturnType<typeof pipeline<'feature-extraction'>>>
  beforeAll(async () => {
    extractor = await pipeline('feature-extraction', EMBEDDING, { dtype: 'fp32' })
  })
  const expected = async (texts: string[], options: { pooling: 'mean' | 'cls'; normalize: boolean }) => (await extractor(texts, options)).tolist() as number[][]

  test('one text: one vector, mean-pooled and normalised as the model says, as the pipeline gives it', async () => {
    const { output } = await run('embed', { text: TEXTS[0] })
    expectClose([output], await expected([TEXTS[0]!], { pooling: 'mean', normalize: true }))
    expect(Math.hypot(...output)).toBeCloseTo(1, 5)
  })

  test('a list: one vector each, the same whatever the batch size (a 3000-byte text truncated to the model\'s 512 tokens)', async () => {
    const want = await expected(TEXTS, { pooling: 'mean', normalize: true })
    for (const batch_size of [32, 2, 1]) expectClose((await run('embed', { text: TEXTS, batch_size })).output, want)
  })

  test('params.pooling and params.normalize as the action sets them', async () => {
    expectClose((await run('embed-raw', { text: TEXTS.slice(0, 3) })).output, await expected(TEXTS.slice(0, 3), { pooling: 'cls', normalize: false }))
  })

  test("without params.pooling, the pooling of the model's sentence-transformers files", async () => {
    const cls = await pipeline('feature-extraction', CLS_POOLED, { dtype: 'fp32' })
    expectClose((await run('embed-configured', { text: TEXTS.slice(0, 2) })).output, (await cls(TEXTS.slice(0, 2), { pooling: 'cls', normalize: true })).tolist() as number[][])
  })

  test('max_input_length: texts alike in their first tokens embed alike', async () => {
    const [a, b] = (await run('embed', { text: ['Cats sleep a lot', 'Cats sleep never'], max_length: 8 })).output
    expectClose([a], [b])
    const [c, d] = (await run('embed', { text: ['Cats sleep a lot', 'Cats sleep never'] })).output
    expect(c).not.toEqual(d)
  })

  test("OpenAI's POST /v1/embeddings on a workflow reading ${input.input}: the same vectors", async () => {
    const response = await fetch(`${mc.url}/v1/embeddings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'embed-openai', input: TEXTS.slice(0, 2), encoding_format: 'float' }) })
    const { data } = (await response.json()) as { data: { index: number; embedding: number[] }[] }
    expectClose(data.map((d) => d.embedding), await expected(TEXTS.slice(0, 2), { pooling: 'mean', normalize: true }))
  })

  test('bad input: one line naming the field, a 4xx', async () => {
    const notText = await run('embed', { text: ['fine', 42] })
    expect(notText.status).toBe(422)
    expect(JSON.stringify(notText.body)).toContain('text[1]: expected a text')
    const tooMany = await run('embed', { text: Array.from({ length: 2049 }, () => 'a') })
    expect(tooMany.status).toBe(422)
    expect(JSON.stringify(tooMany.body)).toContain('at most 2048')
  })
})

describe('text-classification', () => {
  test("model-compose's {label, label_id, probabilities}, plus score: the pipeline's label and score", async () => {
    const classifier = await pipeline('text-classification', CLASSIFIER, { dtype: 'fp32' })
    const want = (await classifier(TEXTS.slice(0, 3), { top_k: 2 })) as unknown as { label: string; score: number }[][]
    const { output } = await run('classify', { text: TEXTS.slice(0, 3) })
    output.forEach((prediction: any, i: number) => {
      expect(prediction.label).toBe(want[i]![0]!.label)
      expect(prediction.score).toBeCloseTo(want[i]![0]!.score, 5)
      expect(prediction.label_id).toBe(['negative', 'positive'].indexOf(prediction.label))
      expect(prediction.probabilities).toHaveLength(2)
      expect(prediction.probabilities.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 5)
    })
    const single = (await run('classify', { text: TEXTS[0] })).output
    expect(single).toEqual(output[0])
  })

  test("the component's labels name the classes instead of the model's id2label", async () => {
    const named = (await run('classify-named', { text: TEXTS[1] })).output
    const plain = (await run('classify', { text: TEXTS[1] })).output
    expect(named).toEqual({ label: ['bad', 'good'][plain.label_id], label_id: plain.label_id, score: plain.score })
  })

  test('multi-label (problem_type in the config): a sigmoid per class, top_k labels best first, as the pipeline', async () => {
    const classifier = await pipeline('text-classification', MULTILABEL, { dtype: 'fp32' })
    const want = (await classifier([TEXTS[0]!], { top_k: 3 })) as unknown as { label: string; score: number }[][]
    const { output } = await run('classify-multi', { text: [TEXTS[0]] })
    expect(output[0].labels.map((l: any) => l.label)).toEqual(want[0]!.map((l) => l.label))
    output[0].labels.forEach((l: any, i: number) => expect(l.score).toBeCloseTo(want[0]![i]!.score, 5))
    expect(output[0].labels.reduce((sum: number, l: any) => sum + l.score, 0)).toBeGreaterThan(1) // not a softmax
  })
})

describe('text-reranking', () => {
  const query = 'Where do cats sleep?'
  const documents = ['The stock market fell sharply today.', 'Cats sleep in warm places, cats sleep a lot.', 'Rain is expected tomorrow.']

  test("model-compose's [{index, score, document}], best first; scores are the cross-encoder's logits through a sigmoid", async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(RERANKER)
    const model = await AutoModelForSequenceClassification.from_pretrained(RERANKER, { dtype: 'fp32' })
    const { logits } = await model(tokenizer(documents.map(() => query), { text_pair: documents, padding: true, truncation: true }))
    const want = (logits.tolist() as number[][]).map(([logit]) => 1 / (1 + Math.exp(-logit!)))
    const { output } = await run('rerank', { query, documents })
    expect(output.map((r: any) => r.index)).toEqual([0, 1, 2].sort((a, b) => want[b]! - want[a]!))
    expect(output[0]).toEqual({ index: 1, score: expect.any(Number), document: documents[1] })
    output.forEach((r: any) => expect(r.score).toBeCloseTo(want[r.index]!, 5))
  })

  test('top_k and return_documents: false', async () => {
    const { output } = await run('rerank', { query, documents, top_k: 1, return_documents: false })
    expect(output).toEqual([{ index: 1, score: expect.any(Number) }])
  })

  test('objects scored by document_field, returned whole; score_threshold drops the rest', async () => {
    const objects = documents.map((text, id) => ({ id: `doc-${id}`, text }))
    const { output } = await run('rerank-objects', { query, documents: objects })
    expect(output.length).toBeGreaterThan(0)
    expect(output[0].document).toEqual(objects[1])
    for (const r of output) expect(r.score).toBeGreaterThanOrEqual(0.5)
  })

  test('bad input: one line naming the field, a 4xx', async () => {
    const objects = await run('rerank', { query, documents: [{ text: 'no field said' }] })
    expect(objects.status).toBe(422)
    expect(JSON.stringify(objects.body)).toContain('document_field')
    const notList = await run('rerank', { query, documents: 'just a text' })
    expect(notList.status).toBe(422)
    expect(JSON.stringify(notList.body)).toContain('documents: expected a list')
  })
})
