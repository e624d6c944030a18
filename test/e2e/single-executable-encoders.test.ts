// The encoder tasks and the model-tokenizer in the one executable (`npm run
// build`), run alone in an empty folder with a bare environment: the same
// answers as mc run from the repository on the same fixture models.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { binaryFolder, builtBinary, runCommand, type BinaryFolder } from '../support/binary.ts'
import { composeDir, ROOT, runMc } from '../support/mc.ts'

beforeAll(() => builtBinary(), 300_000)
let folder: BinaryFolder | undefined
afterAll(() => folder?.remove())

// Relative model paths: the models are copied beside the executable.
const COMPOSE = `
workflow:
  jobs:
    - id: embed
      component: embedder
      input:
        text: \${input.text}
    - id: rerank
      component: reranker
      input:
        query: \${input.text}
        documents: \${input.documents}
    - id: count
      component: tokenizer
      input:
        text: \${input.text}
      depends_on: [embed, rerank]
      output:
        embedding: \${jobs.embed.output}
        ranked: \${jobs.rerank.output}
        tokens: \${output.count}
components:
  - id: embedder
    type: model
    task: text-embedding
    model: ./models/tiny-bert-embedding
    text: \${input.text}
  - id: reranker
    type: model
    task: text-reranking
    model: ./models/tiny-bert-reranker
    query: \${input.query}
    documents: \${input.documents}
  - id: tokenizer
    type: model-tokenizer
    task: text
    model: ./models/tiny-bert-embedding
    method: count
    text: \${input.text}
`
const INPUT = JSON.stringify({ text: 'cats sleep', documents: ['The stock market fell.', 'Cats sleep a lot.'] })

test('text-embedding, text-reranking and model-tokenizer run in the executable as from the repository', async () => {
  folder = await binaryFolder()
  cpSync(join(ROOT, 'test/fixtures/models'), join(folder.dir, 'models'), { recursive: true })
  await Bun.write(join(folder.dir, 'compose.yml'), COMPOSE)
  const alone = await runCommand([folder.mc, 'run', '-i', INPUT], folder.dir, folder.env())
  expect(alone.code, alone.stderr).toBe(0)
  const repoDir = composeDir({ 'compose.yml': COMPOSE })
  cpSync(join(ROOT, 'test/fixtures/models'), join(repoDir, 'models'), { recursive: true })
  const fromRepository = await runMc(['run', '-i', INPUT], { cwd: repoDir })
  expect(alone.stdout).toBe(fromRepository.stdout)
  const output = JSON.parse(alone.stdout)
  expect(output.embedding).toHaveLength(64)
  expect(output.ranked[0].document).toBe('Cats sleep a lot.')
  expect(output.tokens).toBe(12)
}, 120_000)
