// model-compose 0.4.92's examples model-tasks/text-embedding, text-classification
// and text-reranking (copies in test/fixtures/model-compose/0.4.92/), served by
// `mc up` and run over HTTP: only the model ids (the tiny fixture encoders for
// the hub's) and the ports change, and the reranking example's `as int`
// (a type model-compose passes through unchecked, mc refuses) reads `as integer`.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc } from '../../support/mc.ts'

const EXAMPLES = join(ROOT, 'test/fixtures/model-compose/0.4.92/model-tasks')
const MODELS = join(ROOT, 'test/fixtures/models')

async function runExample(name: string, swaps: [string, string][], input: unknown): Promise<any> {
  const port = freePort()
  let text = readFileSync(join(EXAMPLES, name, 'model-compose.yml'), 'utf8')
  for (const [from, to] of [...swaps, ['port: 8080', `port: ${port}`], ['port: 8081', `port: ${freePort()}`]]) text = text.replaceAll(from!, to!)
  const mc = await startMc(composeDir({ 'model-compose.yml': text }), [], port)
  try {
    const response = await fetch(`${mc.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input, wait_for_completion: true }) })
    const body = (await response.json()) as any
    expect(body.status).toBe('completed')
    return body.output
  } finally {
    await mc.stop()
  }
}

describe("0.4.92's model-tasks examples on the fixture encoders", () => {
  test('text-embedding: ${output as json} is the vector', async () => {
    const output = await runExample('text-embedding', [['sentence-transformers/all-MiniLM-L6-v2', join(MODELS, 'tiny-bert-embedding')]], { text: 'Cats sleep most of the day.' })
    expect(output.embedding).toHaveLength(64)
    expect(Math.hypot(...output.embedding)).toBeCloseTo(1, 5)
  })

  test('text-embedding-lfm2: pooling and normalize written as action keys', async () => {
    const output = await runExample('text-embedding-lfm2', [['LiquidAI/LFM2.5-Encoder-350M', join(MODELS, 'tiny-bert-embedding')]], { text: 'Cats sleep most of the day.' })
    expect(output.embedding).toHaveLength(64)
    expect(Math.hypot(...output.embedding)).toBeCloseTo(1, 5)
  })

  test('text-classification: the component labels name the prediction, with its probabilities', async () => {
    const output = await runExample('text-classification', [['martin-ha/toxic-comment-model', join(MODELS, 'tiny-bert-classifier')]], { text: 'You are lovely.' })
    expect(['non-toxic', 'toxic']).toContain(output.predicted.label)
    expect(output.predicted.probabilities).toHaveLength(2)
  })

  test('text-reranking: top_k best documents, the one with the query\'s words first', async () => {
    const documents = ['The stock market fell sharply today.', 'Cats sleep in warm places, cats sleep a lot.', 'Rain is expected tomorrow.']
    const output = await runExample('text-reranking', [['BAAI/bge-reranker-v2-m3', join(MODELS, 'tiny-bert-reranker')]], { query: 'Where do cats sleep?', documents, top_k: 2 })
    expect(output.ranked).toHaveLength(2)
    expect(output.ranked[0]).toEqual({ index: 1, score: expect.any(Number), document: documents[1] })
  })
})
