// The search-engine component: model-compose 0.4.92's own
// integrations/search-engine/sqlite example, unchanged but for its ports, run
// by `mc up` and called over HTTP: documents indexed into SQLite FTS5, found
// by their words ranked by BM25, replaced by id, deleted, kept across a
// restart in model-compose's own file layout. Then what a hostile or mistaken
// request meets: one line naming the field and a 4xx, never SQL run from input.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { callWorkflow, composeDir, freePort, type McProcess, runMc, startMc } from '../../support/mc.ts'

const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/integrations/search-engine/sqlite/model-compose.yml'), 'utf8')

const DOCUMENTS = [
  { document_id: 'py', title: 'Python tutorial', content: 'Learn Python basics: Python lists, Python loops' },
  { document_id: 'js', title: 'JavaScript guide', content: 'Modern JavaScript features, with a note on Python' },
  { document_id: 'rs', title: 'Rust handbook', content: 'Systems programming in Rust' },
]

/** The ids of a single query's hits, best first. */
const idsOf = (body: any): string[] => body[0].map((hit: any) => hit.document.document_id)

describe('0.4.92 integrations/search-engine/sqlite', () => {
  let dir: string
  let port: number
  let mc: McProcess
  beforeAll(async () => {
    port = freePort()
    dir = composeDir({ 'model-compose.yml': EXAMPLE.replace('port: 8080', `port: ${port}`).replace('port: 8081', `port: ${freePort()}`) })
    mc = await startMc(dir, [], port, { MC_SEARCH_MAX_ITEMS: '50', MC_SEARCH_MAX_RESULTS: '20', MC_SEARCH_MAX_DOCUMENT_BYTES: '4KiB' })
  })
  afterAll(() => mc?.stop())

  test('indexing a list gives a count per document; a search finds them by their words, best first', async () => {
    expect((await callWorkflow(mc, 'index-documents', { documents: DOCUMENTS })).body).toEqual([
      { affected_documents: 1, total_documents: 1 },
      { affected_documents: 1, total_documents: 2 },
      { affected_documents: 1, total_documents: 3 },
    ])
    const { status, body } = await callWorkflow(mc, 'search-documents', { query: 'Python' })
    expect(status).toBe(200)
    // As model-compose: one query gives a list holding its hits.
    expect(idsOf(body)).toEqual(['py', 'js'])
    expect(body[0][0].document).toEqual({ document_id: 'py', title: 'Python tutorial', content: 'Learn Python basics: Python lists, Python loops' })
    expect(body[0][0].score).toBeGreaterThan(body[0][1].score)
    expect(body[0][1].score).toBeGreaterThan(0)
  })

  test('search_fields and limit narrow the hits; a list of queries gives a list', async () => {
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'Python', search_fields: ['title'] })).body)).toEqual(['py'])
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'Python', limit: 1 })).body)).toEqual(['py'])
    const { body } = await callWorkflow(mc, 'search-documents', { query: ['Rust', 'nothing here'] })
    expect(body.map((hits: any) => hits[0].map((hit: any) => hit.document.document_id))).toEqual([['rs'], []])
  })

  test('a query is searched as a phrase of words: FTS5 syntax in it is never run', async () => {
    for (const query of ['Python OR Rust', '*', 'title:Python', 'NEAR(Python Rust)', '"', "'; DROP TABLE docs; --"]) {
      const { status, body } = await callWorkflow(mc, 'search-documents', { query })
      expect(status).toBe(200)
      expect(body).toEqual([[]])
    }
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'python LISTS' })).body)).toEqual(['py'])
  })

  test('a document with the id of one indexed replaces it; delete by id reports what it removed', async () => {
    expect((await callWorkflow(mc, 'index-documents', { documents: { document_id: 'rs', title: 'Rust book', content: 'Ownership and borrowing' } })).body).toEqual({ affected_documents: 1, total_documents: 3 })
    expect((await callWorkflow(mc, 'search-documents', { query: 'Systems' })).body).toEqual([[]])
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'borrowing' })).body)).toEqual(['rs'])
    expect((await callWorkflow(mc, 'delete-documents', { document_ids: ['js', 'nobody'] })).body).toEqual([
      { affected_documents: 1, total_documents: 2 },
      { affected_documents: 0, total_documents: 2 },
    ])
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'Python' })).body)).toEqual(['py'])
  })

  test.each([
    ['limit: 21, more than the 20 hits one call gives (MC_SEARCH_MAX_RESULTS)', 'search-documents', { query: 'x', limit: 21 }],
    ['query: 3 queries of up to 7 hits each, more than the 20 hits one call gives (MC_SEARCH_MAX_RESULTS)', 'search-documents', { query: ['x', 'y', 'z'], limit: 7 }],
    ['limit: expected a whole number, 1 or more', 'search-documents', { query: 'x', limit: 0 }],
    ['search_fields: "body" is not a field of index "docs"', 'search-documents', { query: 'x', search_fields: ['body'] }],
    ['search_fields[0]: expected a name of letters, digits and _', 'search-documents', { query: 'x', search_fields: ['title) OR 1=1 --'] }],
    ['query: expected a text', 'search-documents', { query: { a: 1 } }],
    ['query: missing', 'search-documents', {}],
    ['document: expected a document, a mapping of field names to values', 'index-documents', { documents: 'just text' }],
    ['document[0]: missing its id field "document_id"', 'index-documents', { documents: [{ title: 'no id' }] }],
    ['more than 4096 (MC_SEARCH_MAX_DOCUMENT_BYTES)', 'index-documents', { documents: { document_id: 'big', content: 'x'.repeat(5000) } }],
    ['document: 51 items, more than the 50 one call takes (MC_SEARCH_MAX_ITEMS)', 'index-documents', { documents: Array.from({ length: 51 }, (_, i) => ({ document_id: String(i) })) }],
  ])('422 "%s" (%s)', async (message, workflow, input) => {
    const { status, body } = await callWorkflow(mc, workflow, input)
    expect(status).toBe(422)
    expect(body.detail).toContain(message)
  })

  test('a refused batch leaves nothing half indexed', async () => {
    const { status } = await callWorkflow(mc, 'index-documents', { documents: [{ document_id: 'half', content: 'halfway' }, { content: 'no id' }] })
    expect(status).toBe(422)
    expect((await callWorkflow(mc, 'search-documents', { query: 'halfway' })).body).toEqual([[]])
    expect((await callWorkflow(mc, 'index-documents', { documents: { document_id: 'whole', content: 'whole' } })).body).toEqual({ affected_documents: 1, total_documents: 3 })
  })

  test("the file is model-compose's layout, and mc finds and replaces its documents after a restart", async () => {
    await mc.stop()
    const db = new Database(join(dir, 'data/search.db'), { readonly: true })
    try {
      expect(db.query('SELECT index_name, fields_json, id_field, document_count FROM _search_meta').all()).toEqual([
        {
          index_name: 'docs',
          fields_json: '[{"name": "document_id", "type": "id"}, {"name": "title", "type": "text"}, {"name": "content", "type": "text"}]',
          id_field: 'document_id',
          document_count: 3,
        },
      ])
    } finally {
      db.close()
    }
    mc = await startMc(dir, [], port)
    expect(idsOf((await callWorkflow(mc, 'search-documents', { query: 'borrowing' })).body)).toEqual(['rs'])
    // Ids written before the restart are still replaced, not duplicated.
    expect((await callWorkflow(mc, 'index-documents', { documents: { document_id: 'rs', content: 'lifetimes' } })).body).toEqual({ affected_documents: 1, total_documents: 3 })
    expect((await callWorkflow(mc, 'search-documents', { query: 'borrowing' })).body).toEqual([[]])
  })
})

test('searching an index never created: 422 saying so', async () => {
  const port = freePort()
  const mc = await startMc(composeDir({ 'model-compose.yml': EXAMPLE.replace('port: 8080', `port: ${port}`).replace('port: 8081', `port: ${freePort()}`) }), [], port)
  try {
    const { status, body } = await callWorkflow(mc, 'search-documents', { query: 'x' })
    expect(status).toBe(422)
    expect(body.detail).toBe('index: "docs" does not exist (index documents into it first) (component search)')
  } finally {
    await mc.stop()
  }
})

test('bad configuration is refused at load, naming the line', async () => {
  for (const [from, to, message] of [
    ['driver: sqlite', 'driver: elasticsearch', 'expected sqlite, got "elasticsearch"'],
    ['type: id', 'type: vector', '[0].type: expected text, id, keyword, got "vector"'],
    ['index: docs', 'index: "docs; DROP TABLE x"', 'expected a name of letters, digits and _'],
  ] as const) {
    const result = await runMc(['run', 'search-documents', '-i', '{"query":"x"}'], { cwd: composeDir({ 'model-compose.yml': EXAMPLE.replace(from, to) }) })
    expect(result.code).not.toBe(0)
    expect(result.stderr).toMatch(/model-compose\.yml:\d+:\d+/)
    expect(result.stderr).toContain(message)
  }
})
