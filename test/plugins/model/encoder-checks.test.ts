// What an encoder task (text-embedding, -classification, -reranking) cannot
// run is one line: at file:line:col when the file says it (mc validate), or
// naming the model when it loads.
import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { composeDir, ROOT, runMc } from '../../support/mc.ts'

const MODELS = join(ROOT, 'test/fixtures/models')

async function oneLine(args: string[], compose: string): Promise<string> {
  const result = await runMc(args, { cwd: composeDir({ 'compose.yml': `component:\n  type: model\n${compose}` }) })
  expect(result.code).toBe(1)
  return result.stderr.trim().split('\n').at(-1)!
}

describe('mc validate', () => {
  const validate = (compose: string) => oneLine(['validate'], compose)
  const embedding = `  task: text-embedding\n  model: ${join(MODELS, 'tiny-bert-embedding')}\n`

  test('a pooling mc does not have', async () => {
    expect(await validate(`${embedding}  text: hi\n  params: {pooling: sum}\n`)).toMatch(/compose\.yml:6:21: component\.params\.pooling: expected one of mean, cls, max$/)
  })
  test('labels on another task than text-classification', async () => {
    expect(await validate(`${embedding}  labels: [a, b]\n  text: hi\n`)).toMatch(/compose\.yml:5:11: component\.labels: "labels" is for task text-classification, not text-embedding$/)
  })
  test('a reranking without documents, or with a text', async () => {
    const reranking = `  task: text-reranking\n  model: ${join(MODELS, 'tiny-bert-reranker')}\n  query: hi\n`
    expect(await validate(reranking)).toMatch(/task text-reranking needs "documents"$/)
    expect(await validate(`${reranking}  documents: [a]\n  text: hi\n`)).toMatch(/component\.text: task text-reranking reads "query" and "documents", not "text"$/)
  })
  test('a key of another task, either way', async () => {
    expect(await validate(`${embedding}  text: hi\n  streaming: true\n`)).toMatch(/compose\.yml:6:14: component\.streaming: "streaming" is for the tasks that generate text, not text-embedding$/)
    expect(await validate(`${embedding}  text: hi\n  return_documents: false\n`)).toMatch(/component\.return_documents: "return_documents" is a key of text-reranking, not of text-embedding$/)
    const generation = `  task: text-generation\n  model: ${join(MODELS, 'tiny-gpt2')}\n  text: hi\n`
    expect(await validate(`${generation}  top_k: 3\n`)).toMatch(/component\.top_k: "top_k" is a key of text-classification and text-reranking, not of text-generation \(sampling reads params\.top_k\)$/)
  })
  test("an architecture of model-compose's other tasks", async () => {
    expect(await validate(`${embedding}  architecture: causal\n  text: hi\n`)).toMatch(/component\.architecture: architecture "causal" does not apply to task text-embedding \(expected one of auto, bert, sbert\)$/)
  })
})

describe('when the model loads', () => {
  const run = (compose: string) => oneLine(['run', '-i', '{"text": "Hi"}'], compose)

  test('labels that do not name every class of the model', async () => {
    const classifier = join(MODELS, 'tiny-bert-classifier')
    expect(await run(`  task: text-classification\n  model: ${classifier}\n  labels: [only-one]\n  text: \${input.text}\n`)).toBe(`mc | error: "labels" names 1 classes, but model ${classifier} has 2 (its config's id2label)`)
  })
  test('an encoder-decoder model for an encoder task', async () => {
    const bart = join(MODELS, 'tiny-bart')
    expect(await run(`  task: text-embedding\n  model: ${bart}\n  text: \${input.text}\n`)).toBe(`mc | error: model ${bart} is encoder-decoder (seq2seq): task text-embedding needs an encoder model (BERT-like)`)
  })
})
