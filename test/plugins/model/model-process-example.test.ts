// model-compose 0.4.92's examples/runtime/process (copied under
// test/fixtures/model-compose/0.4.92/) run unchanged but for its model id (the
// tiny fixture classifier) and its ports: the
// classifier runs in a child process and answers what it answers in-process.
// And the encoder tasks' numbers cross the process boundary unchanged.
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, freePort, ROOT, startMc, type McProcess } from '../../support/mc.ts'

const EXAMPLE = readFileSync(join(ROOT, 'test/fixtures/model-compose/0.4.92/runtime/process/model-compose.yml'), 'utf8')
const CLASSIFIER = join(ROOT, 'test/fixtures/models/tiny-bert-classifier')
/** The fixture's own class names: the example's two labels stay as written when it has two classes. */
const CLASSES = Object.values((JSON.parse(readFileSync(join(CLASSIFIER, 'config.json'), 'utf8')) as { id2label: Record<string, string> }).id2label)

/** The example on free ports with the fixture model; `inProcess` drops its `runtime:` block. */
function example(port: number, inProcess: boolean): string {
  let text = EXAMPLE.replace('port: 8080', `port: ${port}`)
    .replace('port: 8081', `port: ${freePort()}`)
    .replace('model: martin-ha/toxic-comment-model', `model: ${CLASSIFIER}`)
    .replace('labels: [ non-toxic, toxic ]', CLASSES.length === 2 ? 'labels: [ non-toxic, toxic ]' : `labels: [ ${CLASSES.join(', ')} ]`)
  if (inProcess) text = text.replace(/  runtime:\n(    .*\n)+/, '')
  return text
}

const servers: McProcess[] = []
beforeAll(async () => {
  for (const inProcess of [false, true]) {
    const port = freePort()
    servers.push(await startMc(composeDir({ 'model-compose.yml': example(port, inProcess) }), [], port))
  }
})
afterAll(async () => {
  for (const server of servers) await server.stop()
})

test('the example classifies in its own process exactly as in-process', async () => {
  const [child, here] = servers as [McProcess, McProcess]
  expect(example(0, false)).toContain('type: process')
  expect(example(0, true)).not.toContain('runtime:')
  const classify = async (server: McProcess, text: string) => {
    const response = await fetch(`${server.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ input: { text } }) })
    const body = (await response.json()) as { status: string; output: unknown }
    expect(body).toMatchObject({ status: 'completed' })
    return body.output
  }
  for (const text of ['I love this project', 'this is awful', '']) {
    const answer = await classify(child, text)
    expect(answer).toEqual(await classify(here, text))
    expect(Object.keys(answer as object)).toEqual(['predicted'])
  }
  expect(child.logs()).toMatch(/model running in its own process \(pid \d+\)/)
})

test('embeddings come back from the child bit for bit as in-process (JSON keeps every double)', async () => {
  const port = freePort()
  const model = join(ROOT, 'test/fixtures/models/tiny-bert-embedding')
  const component = (id: string, runtime: string) => `  - id: ${id}\n    type: model\n    task: text-embedding\n    model: ${model}\n    text: \${input.text}\n${runtime}`
  const workflow = (id: string) => `  - id: ${id}\n    jobs:\n      - component: ${id}\n`
  const server = await startMc(composeDir({ 'compose.yml': `controller:\n  port: ${port}\nworkflows:\n${workflow('here')}${workflow('child')}components:\n${component('here', '')}${component('child', '    runtime: process\n')}` }), [], port)
  try {
    const embed = async (id: string, text: string | string[]) => {
      const response = await fetch(`${server.api}/workflows/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow_id: id, input: { text } }) })
      return ((await response.json()) as { output: unknown }).output
    }
    for (const text of ['a short text', ['one', 'two texts in a batch']]) {
      const here = await embed('here', text)
      expect(Array.isArray(here)).toBe(true)
      expect(await embed('child', text)).toEqual(here)
    }
  } finally {
    await server.stop()
  }
})
