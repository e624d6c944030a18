// The `datasets` component (model-compose 0.4.92's, driver `huggingface`):
// `load` local JSON / JSON Lines, CSV and text files (load.ts), then `concat`,
// `select` and `map` them (operations.ts). A dataset is its list of rows, so
// it passes through workflows and HTTP answers as JSON. model-compose's `load`
// also fetches Hugging Face Hub datasets; mc runs offline and refuses a Hub id
// in one line. Its `filter` method has no implementation in model-compose
// (any run fails there) and is refused at load; `streaming`, `keep_in_memory`,
// `cache_dir`, `save_infos`, `name`, `revision`, `token` and
// `trust_remote_code` concern Hub downloads and change nothing here.
// 0.4.10 files name the source on `load`: `provider: huggingface` (with
// `path`) or `provider: local` (with `loader`, the format); both are read.

import { bytesSetting, ConfigurationError, defineComponentPlugin, flagOf, invalidInput, Type, type Static } from '../../core/plugin/api.ts'
import { load } from './load.ts'
import { concat, datasetOf, map, selectColumns, selectRows } from './operations.ts'

const DEFAULT_MAX_BYTES = 256 * 1024 * 1024
const METHODS = ['load', 'concat', 'select', 'map'] as const

const SettingsSchema = Type.Object({
  driver: Type.Optional(Type.Literal('huggingface', { errorMessage: 'expected huggingface (the only datasets driver)' })),
})

const ActionSchema = Type.Object({
  method: Type.Optional(Type.String()),
  // load
  provider: Type.Optional(Type.Union([Type.Literal('huggingface'), Type.Literal('local')], { errorMessage: 'expected huggingface or local' })),
  loader: Type.Optional(Type.Unknown()),
  path: Type.Optional(Type.Unknown()),
  data_files: Type.Optional(Type.Unknown()),
  data_dir: Type.Optional(Type.Unknown()),
  split: Type.Optional(Type.Unknown()),
  fraction: Type.Optional(Type.Unknown()),
  shuffle: Type.Optional(Type.Unknown()),
  name: Type.Optional(Type.Unknown()),
  revision: Type.Optional(Type.Unknown()),
  token: Type.Optional(Type.Unknown()),
  trust_remote_code: Type.Optional(Type.Unknown()),
  streaming: Type.Optional(Type.Unknown()),
  keep_in_memory: Type.Optional(Type.Unknown()),
  cache_dir: Type.Optional(Type.Unknown()),
  save_infos: Type.Optional(Type.Unknown()),
  // concat
  datasets: Type.Optional(Type.Unknown()),
  direction: Type.Optional(Type.Unknown()),
  info: Type.Optional(Type.Unknown()),
  // select, map
  dataset: Type.Optional(Type.Unknown()),
  axis: Type.Optional(Type.Unknown()),
  indices: Type.Optional(Type.Unknown()),
  columns: Type.Optional(Type.Unknown()),
  template: Type.Optional(Type.Unknown()),
  output_column: Type.Optional(Type.Unknown()),
  remove_columns: Type.Optional(Type.Unknown()),
})

type DatasetsAction = Static<typeof ActionSchema>

const datasetsPlugin = defineComponentPlugin<Static<typeof SettingsSchema>, DatasetsAction>({
  type: 'datasets',
  settings: SettingsSchema,
  action: ActionSchema,
  defaultOutput: '${result}',
  checkAction(action) {
    if (action.method === 'filter') throw new ConfigurationError('"filter" is a model-compose datasets method with no implementation there (its runs fail); mc does not have it', ['method'])
    if (!(METHODS as readonly string[]).includes(action.method ?? '')) throw new ConfigurationError(`expected one of ${METHODS.join(', ')}`, ['method'])
  },
  create(_settings, { baseDir, env }) {
    const maxBytes = bytesSetting(env, 'MC_DATASET_MAX_BYTES', DEFAULT_MAX_BYTES)
    return {
      async run(action) {
        return { result: await runMethod(action, baseDir, maxBytes) }
      },
    }
  },
})

async function runMethod(action: DatasetsAction, baseDir: string, maxBytes: number): Promise<unknown> {
  switch (action.method) {
    case 'load':
      return load({ path: action.provider === 'local' ? action.loader : action.path, dataFiles: action.data_files, dataDir: action.data_dir, split: action.split, fraction: action.fraction, shuffle: flagOf(action.shuffle, 'shuffle') }, baseDir, maxBytes)
    case 'concat':
      return concat(action.datasets, action.direction ?? undefined)
    case 'select': {
      const dataset = datasetOf(action.dataset, 'dataset')
      const axis = action.axis ?? 'columns'
      if (axis === 'rows') return selectRows(dataset, action.indices)
      if (axis === 'columns') return selectColumns(dataset, action.columns)
      throw invalidInput(`axis: expected rows or columns, got ${JSON.stringify(axis)}`)
    }
    default:
      return map(datasetOf(action.dataset, 'dataset'), action.template, action.output_column, action.remove_columns)
  }
}

export default datasetsPlugin
