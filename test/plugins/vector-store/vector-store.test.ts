// The vector-store component through `mc up` and the HTTP API: 0.4.92's
// integrations/vector-store/chroma example's own store component (only its
// driver changed to faiss, mc's embedded store) inserts, searches, updates
// and deletes, and what it stored is there after mc restarts; the same runs
// on the postgres driver against a real PostgreSQL server. Drivers mc does not
// have are refused at load at their line, and bad input is one 422 line.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { callWorkflow, composeDir, freePort, type McProcess, runMc, startMc } from '../../support/mc.ts'
import { postgresAvailable, startPostgres, type TestPostgres } from '../../support/postgres.ts'

const EXAMPLES = join(import.meta.dir, '../../fixtures/model-compose/0.4.92/integrations/vector-store')
const CHROMA = readFileSync(join(EXAMPLES, 'chroma/model-compose.yml'), 'utf8')

/** The example's `vector-store` component, exactly as written but for its driver line. */
function exampleStore(driverLines: string): string {
  const start = CHROMA.indexOf('  - id: vector-store')
  const end = CHROMA.indexOf('  - id: embedding-model')
  return CHROMA.slice(start, end).replace('    driver: chroma\n', driverLines)
}

/** The example's workflows minus the embedding step: vectors come in the input. */
const compose = (port: number, driverLines: string) => `controller:
  type: http-server
  port: ${port}
  base_path: /api
workflows:
${['insert', 'update', 'search', 'delete'].map((a) => `  - id: ${a}\n    job:\n      component: vector-store\n      action: ${a}\n      input: \${input}\n`).join('')}components:
${exampleStore(driverLines)}`

const CAT = [1, 0, 0, 0]
const DOG = [0, 1, 0, 0]
const BIRD = [0, 0, 1, 0]

/** Insert three, search, update one, delete one: what a user of the example does. */
async function exampleRoundTrip(mc: McProcess): Promise<void> {
  const inserted = await callWorkflow(mc, 'insert', { vector: [CAT, DOG, BIRD], metadata: [{ text: 'a cat' }, { text: 'a dog' }, { text: 'a bird' }] })
  expect(inserted.status).toBe(200)
  expect(inserted.body.affected_rows).toBe(3)
  const [cat, dog] = inserted.body.ids as string[]
  expect(cat).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/) // a ULID, as model-compose makes them

  const found = await callWorkflow(mc, 'search', { vector: [0.9, 0.2, 0, 0] })
  expect(found.status).toBe(200)
  expect(found.body.map((h: any) => h.metadata.text)).toEqual(['a cat', 'a dog', 'a bird'])
  expect(found.body[0]).toMatchObject({ id: cat, metadata: { text: 'a cat' } })
  expect(found.body[0].score).toBeGreaterThan(found.body[1].score)

  // output_fields: [ text ] keeps only that field of the metadata.
  expect((await callWorkflow(mc, 'update', { vector_id: dog, vector: [0.95, 0.1, 0, 0], metadata: { text: 'a wolf', wild: true } })).body).toEqual({ affected_rows: 1 })
  const after = await callWorkflow(mc, 'search', { vector: CAT })
  expect(after.body.slice(0, 2).map((h: any) => h.metadata)).toEqual([{ text: 'a cat' }, { text: 'a wolf' }])

  expect((await callWorkflow(mc, 'delete', { vector_id: cat })).body).toEqual({ affected_rows: 1 })
  expect((await callWorkflow(mc, 'search', { vector: CAT })).body.map((h: any) => h.metadata.text)).toEqual(['a wolf', 'a bird'])
}

describe('embedded store (driver: faiss)', () => {
  test("the chroma example's store component inserts, searches, updates and deletes; the data outlives a restart", async () => {
    const port = freePort()
    const dir = composeDir({ 'model-compose.yml': compose(port, '    driver: faiss\n    index_path: ./vectors\n') })
    let mc = await startMc(dir, [], port)
    try {
      await exampleRoundTrip(mc)
      await mc.stop()
      mc = await startMc(dir, [], port)
      expect((await callWorkflow(mc, 'search', { vector: BIRD })).body.map((h: any) => h.metadata.text)).toEqual(['a bird', 'a wolf'])
    } finally {
      await mc.stop()
    }
  })

  test('bad input is one 422 line naming the field; mc keeps serving', async () => {
    const port = freePort()
    const mc = await startMc(composeDir({ 'model-compose.yml': compose(port, '    driver: faiss\n') }), [], port)
    try {
      await callWorkflow(mc, 'insert', { vector: CAT, metadata: { text: 'a cat' } })
      const cases: [string, unknown, RegExp][] = [
        ['search', { vector: [1, 0] }, /^query: has 2 dimensions, collection "test" holds vectors of 4 \(component vector-store\)$/],
        ['search', { vector: 'cat' }, /^query: expected a vector \(a list of numbers\) or a list of vectors, got "cat" \(component vector-store\)$/],
        ['insert', { vector: [1, 'x', 0, 0] }, /^vector: expected finite numbers only \(component vector-store\)$/],
        ['insert', { vector: [CAT, DOG], metadata: [{ text: 'one' }] }, /^metadata: 1 given for 2 vectors \(component vector-store\)$/],
        ['update', { vector_id: ['a'.repeat(300)] }, /^vector_id\[0\]: expected 1 to 256 characters \(component vector-store\)$/],
      ]
      for (const [workflow, input, message] of cases) {
        const { status, body } = await callWorkflow(mc, workflow, input)
        expect(status).toBe(422)
        expect(body.detail).toMatch(message)
      }
      expect((await callWorkflow(mc, 'search', { vector: CAT })).body[0].metadata).toEqual({ text: 'a cat' })
    } finally {
      await mc.stop()
    }
  })
})

test('search keys from the input: filter, top_k, metric_type, output_fields, and a list of queries', async () => {
  const port = freePort()
  const yaml = `controller: { type: http-server, port: ${port}, base_path: /api }
workflows:
  - id: insert
    job: { component: store, action: insert, input: "\${input}" }
  - id: search
    job: { component: store, action: search, input: "\${input}" }
components:
  - id: store
    type: vector-store
    driver: faiss
    actions:
      - id: insert
        method: insert
        vector: \${input.vectors}
        vector_id: \${input.ids}
        metadata: \${input.metadata}
        document: \${input.texts}
      - id: search
        method: search
        query: \${input.query}
        top_k: \${input.top_k | 10}
        metric_type: \${input.metric | COSINE}
        filter: \${input.filter}
        output_fields: [ lang ]
`
  const mc = await startMc(composeDir({ 'model-compose.yml': yaml }), [], port)
  try {
    const metadata = [{ lang: 'en', year: 2020 }, { lang: 'fr', year: 2024 }, { lang: 'en', year: 2025 }]
    const inserted = await callWorkflow(mc, 'insert', { vectors: [CAT, DOG, [2, 2, 0, 0]], ids: ['cat', 'dog', 'both'], metadata, texts: ['c', 'd', 'b'] })
    expect(inserted.body).toEqual({ ids: ['cat', 'dog', 'both'], affected_rows: 3 })
    const ids = (hits: any[]) => hits.map((h) => h.id)
    expect(ids((await callWorkflow(mc, 'search', { query: CAT, filter: { lang: 'en', year: { gte: 2021 } } })).body)).toEqual(['both'])
    expect(ids((await callWorkflow(mc, 'search', { query: CAT, top_k: 1, metric: 'IP' })).body)).toEqual(['both'])
    const two = (await callWorkflow(mc, 'search', { query: [CAT, DOG], top_k: 1 })).body
    expect(two.map(ids)).toEqual([['cat'], ['dog']])
    expect(two[0][0]).toMatchObject({ metadata: { lang: 'en' }, document: 'c' })
    const bad = await callWorkflow(mc, 'search', { query: CAT, filter: { year: { near: 2020 } } })
    expect(bad).toEqual({ status: 422, body: { detail: 'filter.year: unknown operator "near" (expected one of eq, neq, gt, gte, lt, lte, in, not-in) (component store)' } })
  } finally {
    await mc.stop()
  }
})

describe('drivers mc does not have are refused at load, at their line', () => {
  const refused = async (text: string) => {
    const result = await runMc(['validate', '-f', 'model-compose.yml'], { cwd: composeDir({ 'model-compose.yml': text }) })
    expect(result.code).toBe(1)
    return result.stderr.trim()
  }
  test('chroma (the 0.4.92 example as it is), milvus, qdrant', async () => {
    expect(await refused(CHROMA)).toMatch(/^mc \| error: model-compose\.yml:\d+:\d+: components\[0\]\.driver: "chroma" is a model-compose vector-store driver that mc does not have \(mc has: faiss, postgres\)$/)
    expect(await refused(readFileSync(join(EXAMPLES, 'milvus/model-compose.yml'), 'utf8'))).toMatch(/"milvus" is a model-compose vector-store driver that mc does not have/)
    expect(await refused('component:\n  type: vector-store\n  driver: qdrant\n  action: { method: search, query: [1] }\n')).toMatch(/^mc \| error: model-compose\.yml:3:11: component\.driver: "qdrant" is a model-compose vector-store driver/)
    expect(await refused('component:\n  type: vector-store\n  driver: faiss\n  url: postgres://x\n  action: { method: search, query: [1] }\n')).toMatch(/model-compose\.yml:4:\d+: component\.url: is a key of driver: postgres$/)
  })
})

const hasPostgres = postgresAvailable()
describe.if(hasPostgres)('server engine (driver: postgres)', () => {
  let server: TestPostgres
  beforeAll(async () => {
    server = await startPostgres()
  })
  afterAll(() => server.stop())

  test("the same example component on a real PostgreSQL server; two mc instances share its data", async () => {
    const driver = `    driver: postgres\n    url: ${server.url}\n`
    const [portA, portB] = [freePort(), freePort()]
    const a = await startMc(composeDir({ 'model-compose.yml': compose(portA, driver) }), [], portA)
    const b = await startMc(composeDir({ 'model-compose.yml': compose(portB, driver) }), [], portB)
    try {
      await exampleRoundTrip(a)
      expect((await callWorkflow(b, 'search', { vector: BIRD })).body.map((h: any) => h.metadata.text)).toEqual(['a bird', 'a wolf'])
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
  })

  test('a server that cannot be reached is a 502 naming the store, with no password in it', async () => {
    const port = freePort()
    const url = `postgres://mc:s3cret-pass@127.0.0.1:${freePort()}/none`
    const mc = await startMc(composeDir({ 'model-compose.yml': compose(port, `    driver: postgres\n    url: ${url}\n`) }), [], port)
    try {
      const { status, body } = await callWorkflow(mc, 'search', { vector: CAT })
      expect(status).toBe(502)
      expect(JSON.stringify(body)).toContain('vector store (postgres)')
      expect(JSON.stringify(body) + mc.logs()).not.toContain('s3cret-pass')
    } finally {
      await mc.stop()
    }
  })
})
