// The keys of a `key-value-store` component (model-compose 0.4.92): on the
// component, its `driver` (memory, sqlite, redis) and that driver's connection
// keys; on an action, the `method` (get, set, delete, exists), the `key` (one
// or a list), the `value` and `ttl` of a set, and `batch_size`.

import { Type, type Static } from '@sinclair/typebox'

const Port = Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port, 1 to 65535' })

export const KeyValueSettingsSchema = Type.Object({
  driver: Type.String(),
  // driver: sqlite
  path: Type.Optional(Type.String({ minLength: 1 })),
  table: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', errorMessage: 'expected a table name: letters, digits and _' })),
  // driver: redis
  url: Type.Optional(Type.String({ pattern: '^rediss?://', errorMessage: 'expected a redis:// or rediss:// URL' })),
  host: Type.Optional(Type.String({ minLength: 1 })),
  port: Type.Optional(Port),
  secure: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  database: Type.Optional(Type.Integer({ minimum: 0, maximum: 15, errorMessage: 'expected a database number, 0 to 15' })),
  password: Type.Optional(Type.String()),
})

export type KeyValueSettings = Static<typeof KeyValueSettingsSchema>

export const METHODS = ['get', 'set', 'delete', 'exists'] as const
export type Method = (typeof METHODS)[number]

export const KeyValueActionSchema = Type.Object({
  method: Type.Optional(Type.String()),
  key: Type.Optional(Type.Unknown()),
  value: Type.Optional(Type.Unknown()),
  ttl: Type.Optional(Type.Unknown()),
  batch_size: Type.Optional(Type.Unknown()),
})

export type KeyValueAction = Static<typeof KeyValueActionSchema>

export const DRIVERS = ['memory', 'sqlite', 'redis'] as const
export type Driver = (typeof DRIVERS)[number]
