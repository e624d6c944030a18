// `bun run bench` (vector store): the embedded vector store (plugins/vector-store/drivers/embedded/) at
// 10,000 and 100,000 vectors of 384 dimensions (an all-MiniLM-L6-v2 size):
// ingest rate (inserts of 1,000 vectors with metadata and a short text, each
// committed to the SQLite file), search latency p50/p99 (top 10, cosine, no
// filter and with a metadata filter keeping one record in ten), and the time
// to reopen the file and load the collection. Search is exact, so recall@10 is
// 1 by construction; it is checked against a brute-force scan anyway.
// The same runs on the postgres driver (exact search in SQL, a real server
// started here) with BENCH_VECTOR_POSTGRES=1 (sizes: BENCH_VECTOR_POSTGRES_SIZES, 10000).
// Part of `bun run bench`. BENCH_VECTOR_SIZES (e.g. "10000,100000"), BENCH_SEARCHES change the sizes.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SQL } from 'bun'
import { EmbeddedStore } from '../../plugins/vector-store/drivers/embedded/store.ts'
import { PostgresStore } from '../../plugins/vector-store/drivers/postgres/store.ts'
import { startPostgres } from '../support/postgres.ts'
import { parseFilter } from '../../plugins/vector-store/store/filter.ts'
import type { Entry, VectorStoreDriver } from '../../plugins/vector-store/store/driver.ts'

const SIZES = (process.env.BENCH_VECTOR_SIZES ?? '10000,100000').split(',').map(Number)
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200)
const DIMENSIONS = 384
const BATCH = 1000

// A small seeded generator: the same vectors every run.
let seed = 42
const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1
function unitVector(): Float32Array {
  const v = Float32Array.from({ length: DIMENSIONS }, random)
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!
const ms = (n: number) => `${n.toFixed(2)} ms`

const folder = mkdtempSync(join(tmpdir(), 'mc-bench-vectors-'))
try {
  for (const size of SIZES) await measure('embedded', size, (place) => new EmbeddedStore(join(folder, place)))
} finally {
  rmSync(folder, { recursive: true, force: true })
}
if (process.env.BENCH_VECTOR_POSTGRES === '1') {
  const server = await startPostgres()
  try {
    for (const size of (process.env.BENCH_VECTOR_POSTGRES_SIZES ?? '10000').split(',').map(Number)) await measure('postgres', size, () => new PostgresStore(new SQL(server.url)), `bench${size}`)
  } finally {
    await server.stop()
  }
}

async function measure(name: string, size: number, open: (place: string) => VectorStoreDriver, collection = 'bench'): Promise<void> {
  {
    const place = `store-${size}`
    const vectors = Array.from({ length: size }, unitVector)
    let store = open(place)
    let started = performance.now()
    for (let at = 0; at < size; at += BATCH) {
      const entries: Entry[] = vectors.slice(at, at + BATCH).map((vector, i) => ({ id: `v${at + i}`, vector, metadata: { group: (at + i) % 10, source: 'bench' }, document: `text ${at + i}` }))
      await store.insert(collection, entries)
    }
    const ingestS = (performance.now() - started) / 1000
    await store.close()

    started = performance.now()
    store = open(place)
    const queries = Array.from({ length: SEARCHES }, unitVector)
    await store.search(collection, { vector: queries[0]!, topK: 10, metric: 'COSINE', filter: [] })
    const loadMs = performance.now() - started

    const timed = async (filter: ReturnType<typeof parseFilter>) => {
      const times: number[] = []
      let recalled = 0
      for (const vector of queries) {
        const t = performance.now()
        const hits = await store.search(collection, { vector, topK: 10, metric: 'COSINE', filter })
        times.push(performance.now() - t)
        if (filter.length === 0 && times.length <= 20) recalled += recallAt10(hits.map((h) => h.id), vectors, vector)
      }
      times.sort((a, b) => a - b)
      return { p50: percentile(times, 50), p99: percentile(times, 99), recall: recalled / Math.min(20, queries.length) }
    }
    const plain = await timed([])
    const filtered = await timed(parseFilter({ group: 3 }))
    await store.close()
    console.log(`vector-store ${name}, ${size.toLocaleString('en')} × ${DIMENSIONS}: ingest ${Math.round(size / ingestS).toLocaleString('en')} vectors/s; reopen+load ${ms(loadMs)}; search top-10 p50 ${ms(plain.p50)}, p99 ${ms(plain.p99)}; with a filter (1 in 10) p50 ${ms(filtered.p50)}, p99 ${ms(filtered.p99)}; recall@10 vs brute force ${plain.recall.toFixed(3)}`)
  }
}

/** The share of the true 10 nearest (a plain scan in float64) found in `ids`. */
function recallAt10(ids: string[], vectors: Float32Array[], query: Float32Array): number {
  const scored = vectors.map((v, i) => {
    let s = 0
    for (let d = 0; d < DIMENSIONS; d++) s += v[d]! * query[d]!
    return { id: `v${i}`, s }
  })
  scored.sort((a, b) => b.s - a.s)
  const truth = new Set(scored.slice(0, 10).map((x) => x.id))
  return ids.filter((id) => truth.has(id)).length / 10
}
