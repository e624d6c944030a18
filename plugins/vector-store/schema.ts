// The keys of a vector-store component and its actions, as model-compose
// 0.4.92 writes them (dsl/schema/{component,action}/impl/vector_store/).
// Values that are usually templates (vectors, ids, metadata, filters) are
// checked when rendered (request.ts), not here.

import { Type, type Static } from '../../core/plugin/api.ts'

export const METHODS = ['insert', 'update', 'search', 'delete'] as const

export const VectorStoreSettingsSchema = Type.Object({
  driver: Type.String({ errorMessage: 'expected a driver name' }),
  /** The folder the embedded store keeps its file in (model-compose's faiss `index_path`). */
  index_path: Type.Optional(Type.String({ minLength: 1, errorMessage: 'expected a folder path' })),
  /** The PostgreSQL server of `driver: postgres`, e.g. postgres://user:password@host:5432/db (its password is kept out of logs). */
  url: Type.Optional(Type.String({ minLength: 1, errorMessage: 'expected a postgres:// URL' })),
  /** When given, every vector must have this many dimensions. */
  dimension: Type.Optional(Type.Integer({ minimum: 1, maximum: 65536, errorMessage: 'expected a whole number from 1 to 65536' })),
})

export type VectorStoreSettings = Static<typeof VectorStoreSettingsSchema>

export const VectorStoreActionSchema = Type.Object({
  method: Type.Union(METHODS.map((m) => Type.Literal(m)), { errorMessage: `expected one of ${METHODS.join(', ')}` }),
  collection: Type.Optional(Type.Unknown()),
  id_field: Type.Optional(Type.String()),
  vector_field: Type.Optional(Type.String()),
  batch_size: Type.Optional(Type.Unknown()),
  vector: Type.Optional(Type.Unknown()),
  vector_id: Type.Optional(Type.Unknown()),
  metadata: Type.Optional(Type.Unknown()),
  document: Type.Optional(Type.Unknown()),
  insert_if_not_exist: Type.Optional(Type.Unknown()),
  query: Type.Optional(Type.Unknown()),
  top_k: Type.Optional(Type.Unknown()),
  metric_type: Type.Optional(Type.Unknown()),
  filter: Type.Optional(Type.Unknown()),
  output_fields: Type.Optional(Type.Unknown()),
})

export type VectorStoreAction = Static<typeof VectorStoreActionSchema>
export type Method = (typeof METHODS)[number]
