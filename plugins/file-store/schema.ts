// The keys of a `file-store` component (model-compose 0.4.92): on the
// component, its `driver` (local) and `base_path`; on an action, the `method`
// (put, get, delete, exists, list) and its keys: `path` (one or a list),
// `source` and `content_type` to put; `save_to`, `streaming` and `chunk_size`
// to get; `recursive`, `pattern`, `max_result_count` and `next_token` to
// list. `metadata` and `multipart_threshold` are for cloud drivers: read,
// and ignored by local as by model-compose's.

import { Type, type Static } from '@sinclair/typebox'

export const FileStoreSettingsSchema = Type.Object({
  driver: Type.String(),
  base_path: Type.Optional(Type.String({ minLength: 1 })),
})

export type FileStoreSettings = Static<typeof FileStoreSettingsSchema>

export const METHODS = ['put', 'get', 'delete', 'exists', 'list'] as const
export type Method = (typeof METHODS)[number]

export const FileStoreActionSchema = Type.Object({
  method: Type.Optional(Type.String()),
  path: Type.Optional(Type.Unknown()),
  source: Type.Optional(Type.Unknown()),
  content_type: Type.Optional(Type.Unknown()),
  metadata: Type.Optional(Type.Unknown()),
  multipart_threshold: Type.Optional(Type.Unknown()),
  chunk_size: Type.Optional(Type.Unknown()),
  save_to: Type.Optional(Type.Unknown()),
  streaming: Type.Optional(Type.Unknown()),
  recursive: Type.Optional(Type.Unknown()),
  pattern: Type.Optional(Type.Unknown()),
  max_result_count: Type.Optional(Type.Unknown()),
  next_token: Type.Optional(Type.Unknown()),
  batch_size: Type.Optional(Type.Unknown()),
})

export type FileStoreAction = Static<typeof FileStoreActionSchema>

export const DRIVERS = ['local'] as const
/** model-compose's cloud drivers: refused by name, as no S3-, GCS- or Azure-compatible server runs in mc's tests. */
export const CLOUD_DRIVERS = ['aws-s3', 'gcp-storage', 'azure-blob'] as const
