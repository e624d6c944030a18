// mc's server engine (`driver: postgres`, mc's own): the vectors in a table of
// a PostgreSQL server that several mc instances can share, with the embedded
// store's meaning exactly (the conformance suite runs on both). Search is
// exact and runs in the server: each row of the collection that meets the
// filter is scored in SQL. It needs no extension; pgvector's approximate
// indexes would be the next step, and are not used here because no pgvector
// package installs on the machines mc is tested on. Bun's own PostgreSQL
// client (Bun.SQL): no dependency, works in the single executable.

import { SQL } from 'bun'
import { invalidInput, redact, upstreamFailed } from '../../../../core/plugin/api.ts'
import type { Condition } from '../../store/filter.ts'
import type { Entry, Hit, Metadata, SearchQuery, VectorStoreDriver } from '../../store/driver.ts'
import { filterSql } from './filter-sql.ts'

const TABLE = 'mc_vectors'
// Each metric sums only what it needs over the pairs of components; the
// query's own norm is a constant, worked out here (`qq`).
const SCORE = {
  COSINE: { sums: 'sum(a::float8 * b::float8) AS dot, sum(a::float8 * a::float8) AS vv', score: 's.dot / (qq * sqrt(s.vv))', distance: '1 - s.dot / (qq * sqrt(s.vv))' },
  IP: { sums: 'sum(a::float8 * b::float8) AS dot', score: 's.dot', distance: '-s.dot' },
  L2: { sums: 'sum((a::float8 - b::float8) ^ 2) AS l2', score: '1 / (1 + sqrt(s.l2))', distance: 'sqrt(s.l2)' },
}

const arrayText = (vector: Float32Array) => `{${Array.from(vector).join(',')}}`

export class PostgresStore implements VectorStoreDriver {
  private ready: Promise<void> | undefined

  constructor(private readonly sql: SQL) {}

  async insert(collection: string, entries: Entry[]): Promise<number> {
    await this.checkDimensions(collection, entries)
    await this.run((sql) =>
      sql.begin(async (tx) => {
        for (const [i, e] of entries.entries()) {
          if (!e.vector) throw invalidInput(`vector[${i}]: missing`)
          await tx.unsafe(
            `INSERT INTO ${TABLE} (collection, id, vector, metadata, document) VALUES ($1, $2, $3::float4[], $4::text::jsonb, $5)
             ON CONFLICT (collection, id) DO UPDATE SET vector = excluded.vector, metadata = excluded.metadata, document = excluded.document`,
            [collection, e.id, arrayText(e.vector), e.metadata ? JSON.stringify(e.metadata) : null, e.document ?? null],
          )
        }
      }),
    )
    return entries.length
  }

  async update(collection: string, entries: Entry[], insertMissing: boolean): Promise<number> {
    await this.checkDimensions(collection, entries)
    return this.run((sql) =>
      sql.begin(async (tx) => {
        let written = 0
        for (const [i, e] of entries.entries()) {
          // Chroma's rule, as in the embedded store: the metadata given is merged into what the record had.
          const changed = await tx.unsafe(
            `UPDATE ${TABLE} SET vector = COALESCE($3::float4[], vector),
               metadata = CASE WHEN $4::boolean THEN COALESCE(metadata, '{}'::jsonb) || COALESCE($5::text::jsonb, '{}'::jsonb) ELSE metadata END,
               document = CASE WHEN $6::boolean THEN $7 ELSE document END
             WHERE collection = $1 AND id = $2`,
            [collection, e.id, e.vector ? arrayText(e.vector) : null, e.metadata !== undefined, e.metadata ? JSON.stringify(e.metadata) : null, e.document !== undefined, e.document ?? null],
          )
          if (changed.count > 0) written++
          else if (insertMissing) {
            if (!e.vector) throw invalidInput(`vector[${i}]: id "${e.id}" is not in collection "${collection}", and inserting it needs a vector`)
            await tx.unsafe(`INSERT INTO ${TABLE} (collection, id, vector, metadata, document) VALUES ($1, $2, $3::float4[], $4::text::jsonb, $5)`, [
              collection, e.id, arrayText(e.vector), e.metadata ? JSON.stringify(e.metadata) : null, e.document ?? null,
            ])
            written++
          }
        }
        return written
      }),
    )
  }

  async search(collection: string, { vector, topK, metric, filter }: SearchQuery): Promise<Hit[]> {
    const dimension = await this.dimension(collection)
    if (dimension === undefined) return []
    if (vector.length !== dimension) throw invalidInput(`query: has ${vector.length} dimensions, collection "${collection}" holds vectors of ${dimension}`)
    const where = filterSql(filter, 4)
    const { sums } = SCORE[metric]
    const qq = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0))
    const [score, distance] = [SCORE[metric].score, SCORE[metric].distance].map((expression) => expression.replaceAll('qq', String(qq)))
    const rows = await this.run((sql) =>
      sql.unsafe(
        `SELECT v.id, v.metadata::text AS metadata, v.document, (${score})::float8 AS score, (${distance})::float8 AS distance
         FROM ${TABLE} v, LATERAL (SELECT ${sums} FROM unnest(v.vector, $2::float4[]) AS t(a, b)) s
         WHERE v.collection = $1 AND ${where.sql}
         ORDER BY score DESC, v.id LIMIT $3`,
        [collection, arrayText(vector), topK, ...where.params],
      ),
    )
    return (rows as { id: string; metadata: string | null; document: string | null; score: number; distance: number }[]).map((r) => ({
      id: r.id,
      score: Number.isFinite(r.score) ? r.score : 0,
      distance: r.distance,
      metadata: r.metadata === null ? null : (JSON.parse(r.metadata) as Metadata),
      document: r.document,
    }))
  }

  async delete(collection: string, ids: string[] | undefined, filter: Condition[]): Promise<number> {
    const idList = ids ? (ids.length === 0 ? 'FALSE' : `id IN (${ids.map((_, i) => `$${i + 2}`).join(', ')})`) : 'TRUE'
    const where = filterSql(filter, 2 + (ids?.length ?? 0))
    const result = await this.run((sql) => sql.unsafe(`DELETE FROM ${TABLE} WHERE collection = $1 AND ${idList} AND ${where.sql}`, [collection, ...(ids ?? []), ...where.params]))
    return result.count
  }

  async close(): Promise<void> {
    await this.sql.close()
  }

  private async checkDimensions(collection: string, entries: Entry[]): Promise<void> {
    const dimension = (await this.dimension(collection)) ?? entries.find((e) => e.vector)?.vector?.length
    for (const [i, e] of entries.entries()) {
      if (e.vector && e.vector.length !== dimension) throw invalidInput(`vector[${i}]: has ${e.vector.length} dimensions, collection "${collection}" holds vectors of ${dimension}`)
    }
  }

  private async dimension(collection: string): Promise<number | undefined> {
    const [row] = await this.run((sql) => sql.unsafe(`SELECT cardinality(vector) AS n FROM ${TABLE} WHERE collection = $1 LIMIT 1`, [collection]))
    return row ? Number(row.n) : undefined
  }

  /** Runs a statement once the table exists; a server that cannot be reached or fails is a 502, a 422 passes through. */
  private async run<T>(statement: (sql: SQL) => Promise<T>): Promise<T> {
    try {
      await (this.ready ??= this.createTable())
      return await statement(this.sql)
    } catch (error) {
      if (error instanceof Error && 'status' in error) throw error
      this.ready = undefined
      throw upstreamFailed(redact(`vector store (postgres): ${(error as Error).message}`))
    }
  }

  private async createTable(): Promise<void> {
    await this.sql.unsafe(`CREATE TABLE IF NOT EXISTS ${TABLE} (collection text NOT NULL, id text NOT NULL, vector float4[] NOT NULL, metadata jsonb, document text, PRIMARY KEY (collection, id))`)
  }
}
