// The keys of a `search-engine` component (model-compose 0.4.92): on the
// component, its `driver` (sqlite) with `storage_dir` and `database`; on an
// action, the `method` (index, search, delete), the `index` it works on, and
// the method's keys: `fields` and `document` to index, `query`,
// `search_fields` and `limit` to search, `document_id` to delete.

import { Type, type Static } from '@sinclair/typebox'

export const SearchSettingsSchema = Type.Object({
  driver: Type.String(),
  storage_dir: Type.Optional(Type.String({ minLength: 1 })),
  database: Type.Optional(Type.String({ minLength: 1 })),
})

export type SearchSettings = Static<typeof SearchSettingsSchema>

export const METHODS = ['index', 'search', 'delete'] as const
export type Method = (typeof METHODS)[number]

export const SearchActionSchema = Type.Object({
  method: Type.Optional(Type.String()),
  index: Type.Optional(Type.String()),
  fields: Type.Optional(Type.Unknown()),
  document: Type.Optional(Type.Unknown()),
  query: Type.Optional(Type.Unknown()),
  search_fields: Type.Optional(Type.Unknown()),
  limit: Type.Optional(Type.Unknown()),
  document_id: Type.Optional(Type.Unknown()),
  batch_size: Type.Optional(Type.Unknown()),
})

export type SearchAction = Static<typeof SearchActionSchema>

export const DRIVERS = ['sqlite'] as const
