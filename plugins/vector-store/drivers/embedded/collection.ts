// One collection of the embedded store in memory: its vectors in one growing
// Float32Array (row-major, with each row's norm), ids, metadata and documents
// by row. Search is exact: every row that meets the filter is scored and the
// best `topK` kept in a small sorted buffer. At 100k×384 that is one pass
// over 150 MB of floats (figures: test/bench/vector-store.ts).

import { matches, type Condition } from '../../store/filter.ts'
import type { Hit, Metadata, SearchQuery } from '../../store/driver.ts'

export interface Row {
  id: string
  vector: Float32Array
  metadata: Metadata | null
  document: string | null
}

export class Collection {
  dimension = 0
  private vectors = new Float32Array(0)
  private norms = new Float32Array(0)
  private ids: string[] = []
  private metadata: (Metadata | null)[] = []
  private documents: (string | null)[] = []
  private rowOf = new Map<string, number>()

  get size(): number {
    return this.ids.length
  }

  has(id: string): boolean {
    return this.rowOf.has(id)
  }

  get(id: string): Row | undefined {
    const row = this.rowOf.get(id)
    if (row === undefined) return undefined
    const d = this.dimension
    return { id, vector: this.vectors.slice(row * d, row * d + d), metadata: this.metadata[row]!, document: this.documents[row]! }
  }

  /** Room for `rows` rows of `dimension` at once (loading a collection), instead of growing by doubling. */
  reserve(rows: number, dimension: number): void {
    if (this.size > 0 || rows === 0) return
    this.dimension = dimension
    this.grow(rows)
  }

  /** Adds or replaces a row. */
  put({ id, vector, metadata, document }: Row): void {
    if (this.size === 0 && this.dimension === 0) this.dimension = vector.length
    const d = this.dimension
    let row = this.rowOf.get(id)
    if (row === undefined) {
      row = this.ids.length
      this.grow(row + 1)
      this.ids.push(id)
      this.metadata.push(metadata)
      this.documents.push(document)
      this.rowOf.set(id, row)
    } else {
      this.metadata[row] = metadata
      this.documents[row] = document
    }
    this.vectors.set(vector, row * d)
    this.norms[row] = Math.sqrt(dot(vector, 0, vector, 0, d))
  }

  /** Removes a row, moving the last one into its place. */
  remove(id: string): void {
    const row = this.rowOf.get(id)
    if (row === undefined) return
    const last = this.ids.length - 1
    const d = this.dimension
    if (row !== last) {
      this.vectors.copyWithin(row * d, last * d, last * d + d)
      this.norms[row] = this.norms[last]!
      this.ids[row] = this.ids[last]!
      this.metadata[row] = this.metadata[last]!
      this.documents[row] = this.documents[last]!
      this.rowOf.set(this.ids[row]!, row)
    }
    this.ids.pop()
    this.metadata.pop()
    this.documents.pop()
    this.rowOf.delete(id)
    if (this.ids.length === 0) this.dimension = 0
  }

  /** The ids among `ids` (all when undefined) whose metadata meets the filter. */
  select(ids: string[] | undefined, filter: Condition[]): string[] {
    const candidates = ids ?? [...this.ids]
    return candidates.filter((id) => {
      const row = this.rowOf.get(id)
      return row !== undefined && matches(this.metadata[row]!, filter)
    })
  }

  search({ vector, topK, metric, filter }: SearchQuery): Hit[] {
    const d = this.dimension
    const queryNorm = Math.sqrt(dot(vector, 0, vector, 0, d)) || 1
    const best: { row: number; score: number; distance: number }[] = []
    for (let row = 0; row < this.ids.length; row++) {
      if (filter.length > 0 && !matches(this.metadata[row]!, filter)) continue
      let score: number
      let distance: number
      if (metric === 'L2') {
        distance = Math.sqrt(squaredDistance(vector, this.vectors, row * d, d))
        score = 1 / (1 + distance)
      } else {
        const product = dot(vector, 0, this.vectors, row * d, d)
        score = metric === 'IP' ? product : product / (queryNorm * (this.norms[row] || 1))
        distance = metric === 'IP' ? -product : 1 - score
      }
      if (best.length === topK && score <= best[best.length - 1]!.score) continue
      let at = best.length
      while (at > 0 && best[at - 1]!.score < score) at--
      best.splice(at, 0, { row, score, distance })
      if (best.length > topK) best.pop()
    }
    return best.map(({ row, score, distance }) => ({ id: this.ids[row]!, score, distance, metadata: this.metadata[row]!, document: this.documents[row]! }))
  }

  private grow(rows: number): void {
    const d = this.dimension
    if (rows <= this.norms.length && rows * d <= this.vectors.length) return
    const capacity = Math.max(rows, this.norms.length * 2, 64)
    const vectors = new Float32Array(capacity * d)
    vectors.set(this.vectors)
    const norms = new Float32Array(capacity)
    norms.set(this.norms)
    this.vectors = vectors
    this.norms = norms
  }
}

function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, d: number): number {
  let sum = 0
  for (let i = 0; i < d; i++) sum += a[aAt + i]! * b[bAt + i]!
  return sum
}

function squaredDistance(q: Float32Array, rows: Float32Array, at: number, d: number): number {
  let sum = 0
  for (let i = 0; i < d; i++) {
    const diff = q[i]! - rows[at + i]!
    sum += diff * diff
  }
  return sum
}
