// The `vector-store` component (model-compose's): insert (an upsert), update,
// search and delete of vectors with metadata (and a `document` text) in named
// collections. `driver: faiss` is mc's embedded store (drivers/embedded/: one
// SQLite file under `index_path`, exact search); `driver: postgres` keeps them
// on a PostgreSQL server at `url` (drivers/postgres/, exact search in SQL).
// Drivers mc cannot test against a real server are refused at load (drivers/index.ts).
//
// `${result}`: insert → {ids, affected_rows}; update and delete →
// {affected_rows}; search → the hits of one query, best first, each {id,
// score, distance, metadata, document} (a list of such lists for a list of
// queries). Unlike model-compose's Chroma driver, hits carry no `embedding`.
// `id_field`, `vector_field` (Milvus field names) and `batch_size` are
// accepted and change nothing: each run's vectors are written in one
// transaction. A `collection` left out is "default" (model-compose's faiss
// actions have none).

import { ConfigurationError, defineComponentPlugin, flagOf, invalidInput, notInMc } from '../../core/plugin/api.ts'
import { parseFilter } from './store/filter.ts'
import { collectionOf, entriesOf, idsOf, metricOf, newIds, outputFieldsOf, topKOf, vectorsOf } from './request.ts'
import { VectorStoreActionSchema, VectorStoreSettingsSchema, type VectorStoreAction, type VectorStoreSettings } from './schema.ts'
import { checkDriverKeys, DRIVERS, MODEL_COMPOSE_DRIVERS, openDriver } from './drivers/index.ts'
import type { Hit, VectorStoreDriver } from './store/driver.ts'

const REQUIRED: Record<VectorStoreAction['method'], (keyof VectorStoreAction)[]> = {
  insert: ['vector'],
  update: ['vector_id'],
  search: ['query'],
  delete: [],
}

const vectorStorePlugin = defineComponentPlugin<VectorStoreSettings, VectorStoreAction>({
  type: 'vector-store',
  settings: VectorStoreSettingsSchema,
  action: VectorStoreActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    const { driver } = settings
    if (!(DRIVERS as readonly string[]).includes(driver)) {
      const message = MODEL_COMPOSE_DRIVERS.includes(driver) ? notInMc('vector-store driver', driver, DRIVERS) : `unknown vector-store driver "${driver}" (mc has: ${DRIVERS.join(', ')})`
      throw new ConfigurationError(message, ['driver'])
    }
    checkDriverKeys(settings)
  },
  checkAction(action) {
    for (const key of REQUIRED[action.method]) if (!(key in action)) throw new ConfigurationError(`method ${action.method} needs "${key}"`, [])
    if (action.method === 'delete' && !('vector_id' in action) && !('filter' in action)) throw new ConfigurationError('method delete needs "vector_id" or "filter"', [])
    if (typeof action.filter === 'object' && action.filter !== null && !JSON.stringify(action.filter).includes('${')) parseFilterAt(action.filter)
  },
  create(settings, { baseDir }) {
    let driver: VectorStoreDriver | undefined
    const open = () => (driver ??= openDriver(settings, baseDir))
    return {
      async start() {
        open()
      },
      async stop() {
        await driver?.close()
        driver = undefined
      },
      async run(action) {
        return { result: await runAction(open(), action, settings) }
      },
    }
  },
})

async function runAction(driver: VectorStoreDriver, action: VectorStoreAction, settings: VectorStoreSettings): Promise<unknown> {
  const collection = collectionOf(action)
  switch (action.method) {
    case 'insert': {
      const { vectors } = vectorsOf(action.vector, 'vector', settings.dimension)
      const ids = newIds(action.vector_id, vectors.length)
      const affected = await driver.insert(collection, entriesOf(action, ids, vectors))
      return { ids, affected_rows: affected }
    }
    case 'update': {
      const ids = idsOf(action.vector_id)
      if (!ids) throw invalidInput('vector_id: needed to update')
      const vectors = action.vector === undefined || action.vector === null ? undefined : vectorsOf(action.vector, 'vector', settings.dimension).vectors
      if (vectors && vectors.length !== ids.length) throw invalidInput(`vector: ${vectors.length} vectors for ${ids.length} ids`)
      return { affected_rows: await driver.update(collection, entriesOf(action, ids, vectors), flagOf(action.insert_if_not_exist, 'insert_if_not_exist', true)) }
    }
    case 'search': {
      const { vectors, single } = vectorsOf(action.query, 'query', settings.dimension)
      const query = { topK: topKOf(action.top_k), metric: metricOf(action.metric_type), filter: parseFilter(action.filter) }
      const fields = outputFieldsOf(action.output_fields)
      const results = []
      for (const vector of vectors) results.push((await driver.search(collection, { ...query, vector })).map((hit) => pick(hit, fields)))
      return single ? results[0] : results
    }
    case 'delete': {
      const ids = idsOf(action.vector_id)
      const filter = parseFilter(action.filter)
      if (!ids && filter.length === 0) throw invalidInput('vector_id: give the ids to delete (or a filter)')
      return { affected_rows: await driver.delete(collection, ids, filter) }
    }
  }
}

/** A hit with only the metadata fields asked for. */
function pick(hit: Hit, fields: string[] | undefined): Hit {
  if (!fields || !hit.metadata) return hit
  return { ...hit, metadata: Object.fromEntries(fields.filter((f) => Object.hasOwn(hit.metadata!, f)).map((f) => [f, hit.metadata![f]])) }
}

function parseFilterAt(filter: object): void {
  try {
    parseFilter(filter)
  } catch (error) {
    throw new ConfigurationError((error as Error).message.replace(/^filter[.:]\s*/, ''), ['filter'])
  }
}

export default vectorStorePlugin
