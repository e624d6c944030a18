// A field of a search index, as model-compose declares it: `text` and
// `keyword` fields are searched (FTS5 keeps both alike; the type is recorded),
// the one `id` field is stored but not searched, and names a document.

export const FIELD_TYPES = ['text', 'id', 'keyword'] as const
export type FieldType = (typeof FIELD_TYPES)[number]

export interface Field {
  name: string
  type: FieldType
}
