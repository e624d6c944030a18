// The vector-store contract (plugins/vector-store/store/driver.ts), run against
// every backend of store-backends.ts: upsert, update (metadata merged, missing
// ids inserted or skipped), search order and scores for each metric, every
// filter operator, delete by id and by filter, collections kept apart, a
// vector of the wrong size refused with its key named, and everything still
// there when the store is opened again.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { parseFilter } from '../../../plugins/vector-store/store/filter.ts'
import type { Entry, SearchQuery, VectorStoreDriver } from '../../../plugins/vector-store/store/driver.ts'
import { BACKENDS } from './store-backends.ts'

const v = (...xs: number[]) => Float32Array.from(xs)
const entry = (id: string, vector: number[], metadata: Record<string, unknown> | null = null, document: string | null = null): Entry => ({ id, vector: v(...vector), metadata, document })
const query = (vector: number[], more: Partial<SearchQuery> = {}): SearchQuery => ({ vector: v(...vector), topK: 10, metric: 'COSINE', filter: [], ...more })
const ids = async (store: VectorStoreDriver, collection: string, q: SearchQuery) => (await store.search(collection, q)).map((hit) => hit.id)

/** Five records around the unit circle's first quarter, with metadata of each kind. */
const FIVE: Entry[] = [
  entry('a', [1, 0, 0], { topic: 'cats', year: 2021, tags: 'x', draft: false }, 'about cats'),
  entry('b', [0.9, 0.1, 0], { topic: 'cats', year: 2023, draft: true }, 'more cats'),
  entry('c', [0.5, 0.5, 0], { topic: 'dogs', year: 2024, date: '2024-03-01' }, 'dogs'),
  entry('d', [0, 1, 0], { topic: 'birds', year: 2019, date: '2019-12-31' }, 'birds'),
  entry('e', [0, 0, 1], null, 'no metadata'),
]

for (const backend of BACKENDS) {
  describe(`vector store: ${backend.name}`, () => {
    beforeAll(() => backend.setup())
    afterAll(() => backend.teardown())

    const withStore = (name: string, body: (store: VectorStoreDriver, place: string) => Promise<void>) =>
      test(name, async () => {
        const place = backend.place()
        const store = await backend.open(place)
        try {
          await body(store, place)
        } finally {
          await store.close()
        }
      })

    withStore('search ranks by cosine similarity, best first, with metadata and document', async (store) => {
      expect(await store.insert('docs', FIVE)).toBe(5)
      const hits = await store.search('docs', query([1, 0.05, 0], { topK: 3 }))
      expect(hits.map((h) => h.id)).toEqual(['a', 'b', 'c'])
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score)
      expect(hits[0]!.score).toBeCloseTo(1 / Math.hypot(1, 0.05), 5)
      expect(hits[0]!.distance).toBeCloseTo(1 - hits[0]!.score, 5)
      expect(hits[0]!.metadata).toEqual({ topic: 'cats', year: 2021, tags: 'x', draft: false })
      expect(hits[0]!.document).toBe('about cats')
      expect(await store.search('empty', query([1, 0, 0]))).toEqual([])
    })

    withStore('L2 and inner product rank by their own measure', async (store) => {
      await store.insert('docs', [entry('near', [1, 1, 0]), entry('long', [5, 5, 0]), entry('off', [1, -1, 0])])
      expect(await ids(store, 'docs', query([1, 1, 0], { metric: 'L2' }))).toEqual(['near', 'off', 'long'])
      const [l2] = await store.search('docs', query([1, 1, 0], { metric: 'L2', topK: 1 }))
      expect(l2!.distance).toBeCloseTo(0, 5)
      expect(l2!.score).toBeCloseTo(1, 5)
      expect(await ids(store, 'docs', query([1, 1, 0], { metric: 'IP' }))).toEqual(['long', 'near', 'off'])
      // Cosine ignores length: both on the diagonal score 1.
      const cosine = await store.search('docs', query([1, 1, 0], { topK: 2 }))
      expect(cosine.map((h) => h.score.toFixed(4))).toEqual(['1.0000', '1.0000'])
    })

    withStore('insert of an id already there replaces it (an upsert)', async (store) => {
      await store.insert('docs', FIVE)
      await store.insert('docs', [entry('a', [0, 0, 1], { topic: 'fish' }, 'now fish')])
      const [top] = await store.search('docs', query([0, 0, 1], { topK: 1, filter: parseFilter({ topic: 'fish' }) }))
      expect(top).toMatchObject({ id: 'a', metadata: { topic: 'fish' }, document: 'now fish' })
      expect((await store.search('docs', query([1, 0, 0]))).length).toBe(5)
    })

    withStore('update merges metadata, keeps what it is not given, and inserts a missing id only when asked', async (store) => {
      await store.insert('docs', FIVE)
      expect(await store.update('docs', [{ id: 'a', metadata: { year: 2025 } }], true)).toBe(1)
      const [a] = await store.search('docs', query([1, 0, 0], { topK: 1 }))
      expect(a).toMatchObject({ id: 'a', metadata: { topic: 'cats', year: 2025, tags: 'x', draft: false }, document: 'about cats' })
      expect(await store.update('docs', [{ id: 'a', vector: v(0, 0, 1) }, { id: 'new', metadata: { topic: 'x' } }], false)).toBe(1)
      expect(await ids(store, 'docs', query([0, 0, 1], { topK: 2 }))).toEqual(expect.arrayContaining(['a', 'e']))
      expect(await store.update('docs', [{ id: 'new', vector: v(0, 1, 1), metadata: { topic: 'new' } }], true)).toBe(1)
      expect(await ids(store, 'docs', query([0, 1, 1], { topK: 1 }))).toEqual(['new'])
      await expect(store.update('docs', [{ id: 'ghost', metadata: { topic: 'x' } }], true)).rejects.toThrow(/vector\[0\]: id "ghost" is not in collection "docs", and inserting it needs a vector/)
    })

    withStore('every filter operator, and several conditions together', async (store) => {
      await store.insert('docs', FIVE)
      const found = async (filter: unknown) => (await ids(store, 'docs', query([1, 1, 1], { filter: parseFilter(filter) }))).sort()
      expect(await found({ topic: 'cats' })).toEqual(['a', 'b'])
      expect(await found({ topic: { eq: 'dogs' } })).toEqual(['c'])
      expect(await found({ topic: { neq: 'cats' } })).toEqual(['c', 'd', 'e'])
      expect(await found({ year: { gt: 2021 } })).toEqual(['b', 'c'])
      expect(await found({ year: { gte: 2021 } })).toEqual(['a', 'b', 'c'])
      expect(await found({ year: { lt: 2021 } })).toEqual(['d'])
      expect(await found({ year: { lte: 2021 } })).toEqual(['a', 'd'])
      expect(await found({ date: { gte: '2024-01-01' } })).toEqual(['c'])
      expect(await found({ topic: { in: ['dogs', 'birds'] } })).toEqual(['c', 'd'])
      expect(await found({ topic: { 'not-in': ['dogs', 'birds'] } })).toEqual(['a', 'b', 'e'])
      expect(await found({ draft: true })).toEqual(['b'])
      expect(await found({ topic: 'cats', year: { gte: 2022 } })).toEqual(['b'])
      expect(await found([{ field: 'year', operator: 'lt', value: 2020 }])).toEqual(['d'])
      expect(await found({ topic: 'none' })).toEqual([])
    })

    withStore('delete by id, by filter, and by both; counts only what went', async (store) => {
      await store.insert('docs', FIVE)
      expect(await store.delete('docs', ['a', 'missing'], [])).toBe(1)
      expect(await store.delete('docs', undefined, parseFilter({ topic: 'dogs' }))).toBe(1)
      expect(await store.delete('docs', ['b', 'd'], parseFilter({ year: { gt: 2020 } }))).toBe(1)
      expect((await ids(store, 'docs', query([1, 1, 1]))).sort()).toEqual(['d', 'e'])
    })

    withStore('collections are kept apart, each with its own dimension', async (store) => {
      await store.insert('three', [entry('x', [1, 0, 0])])
      await store.insert('two', [entry('x', [0, 1])])
      expect(await ids(store, 'two', query([0, 1]))).toEqual(['x'])
      await store.delete('three', ['x'], [])
      expect(await ids(store, 'two', query([0, 1]))).toEqual(['x'])
    })

    withStore('a vector of the wrong size is refused, naming it and the collection', async (store) => {
      await store.insert('docs', FIVE)
      await expect(store.insert('docs', [entry('z', [1, 0])])).rejects.toThrow('vector[0]: has 2 dimensions, collection "docs" holds vectors of 3')
      await expect(store.search('docs', query([1, 0, 0, 0]))).rejects.toThrow('query: has 4 dimensions, collection "docs" holds vectors of 3')
      expect((await ids(store, 'docs', query([1, 0, 0]))).length).toBe(5)
    })

    withStore('what was written is there when the store is opened again', async (store, place) => {
      // (closing twice, here and after the test, is allowed)
      await store.insert('docs', FIVE)
      await store.update('docs', [{ id: 'c', metadata: { topic: 'wolves' } }], false)
      await store.delete('docs', ['e'], [])
      await store.close()
      const again = await backend.open(place)
      try {
        const hits = await again.search('docs', query([0.5, 0.5, 0], { topK: 10 }))
        expect(hits.map((h) => h.id).sort()).toEqual(['a', 'b', 'c', 'd'])
        expect(hits[0]).toMatchObject({ id: 'c', metadata: { topic: 'wolves', year: 2024 }, document: 'dogs' })
        expect(hits[0]!.score).toBeCloseTo(1, 5)
      } finally {
        await again.close()
      }
    })
  })
}
