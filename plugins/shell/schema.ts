// The keys of a `shell` component: model-compose's (`command` as a list of
// arguments or a list of such lists, `working_dir`, `env`, `timeout`,
// `streaming`, `batch_size`; on the component `base_dir` and `manage` /
// `install` / `clean`) and mc's earlier ones (`command` as text run by
// `sh -c`, `args`, `cwd`). The loader handles `runtime:` for every type.

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/plugin/api.ts'
import { manageSchema, scriptKeys, type ManageSettings } from '../http-server/scripts.ts'

const SCRIPTS = ['install', 'clean'] as const

export const ShellSettingsSchema = Type.Object({
  ...scriptKeys([...SCRIPTS]),
  manage: Type.Optional(manageSchema([...SCRIPTS])),
  base_dir: Type.Optional(Type.String()),
})

export type ShellSettings = Static<typeof ShellSettingsSchema> & ManageSettings

export const ShellActionSchema = Type.Object({
  command: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Unknown())], { errorMessage: 'expected a command: text, a list of arguments, or a list of such lists' })),
  args: Type.Optional(Type.Array(Type.Unknown())),
  working_dir: Type.Optional(Type.String()),
  cwd: Type.Optional(Type.String()),
  env: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  timeout: Type.Optional(Duration),
  streaming: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  batch_size: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a whole number above 0' })),
})

export type ShellAction = Static<typeof ShellActionSchema>
