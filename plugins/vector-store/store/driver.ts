// What a vector-store driver does, once a run's values are checked
// (request.ts): the same operations and answers for every engine, so one
// conformance suite (test/plugins/vector-store/) runs against each.

import type { Condition } from './filter.ts'

/** How search measures closeness: cosine similarity (the default), inner product, or Euclidean distance. */
export const METRICS = ['COSINE', 'IP', 'L2'] as const
export type Metric = (typeof METRICS)[number]

export type Metadata = Record<string, unknown>

/** One record to write: `vector` may be absent only in an update of a record that exists. */
export interface Entry {
  id: string
  vector?: Float32Array
  metadata?: Metadata | null
  document?: string | null
}

/** One search result, best first. `score`: higher is closer (cosine similarity, inner product, or 1/(1+L2 distance)). */
export interface Hit {
  id: string
  score: number
  distance: number
  metadata: Metadata | null
  document: string | null
}

export interface SearchQuery {
  vector: Float32Array
  topK: number
  metric: Metric
  filter: Condition[]
}

export interface VectorStoreDriver {
  /** Adds the entries; an id already there is replaced (an upsert). */
  insert(collection: string, entries: Entry[]): Promise<number>
  /** Changes the entries that exist (metadata keys merged); with `insertMissing`, adds the others. Returns how many were written. */
  update(collection: string, entries: Entry[], insertMissing: boolean): Promise<number>
  search(collection: string, query: SearchQuery): Promise<Hit[]>
  /** Removes the ids given (all when undefined) that also meet the filter; returns how many went. */
  delete(collection: string, ids: string[] | undefined, filter: Condition[]): Promise<number>
  close(): Promise<void>
}
