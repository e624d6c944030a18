// The `search-engine` component (model-compose 0.4.92): full-text indexes with
// BM25 ranking on `driver: sqlite` (SQLite FTS5, drivers/sqlite.ts). Methods:
// `index` documents (an index is created from `fields` on first use; a
// document with the id of one already there replaces it), `search` with a
// query, `delete` by id. As in model-compose, one item gives one result and a
// list gives a list: `{affected_documents, total_documents}` for index and
// delete, and for search `[hits]` a query (hits `{document, score}`, best
// first). Bounds come from the environment: MC_SEARCH_MAX_ITEMS items a call,
// MC_SEARCH_MAX_DOCUMENT_BYTES a document, MC_SEARCH_MAX_RESULTS hits a call
// (`limit` times the queries).

import { bytesSetting, checkChoice, choiceOf, ConfigurationError, countSetting, defineComponentPlugin, invalidInput, isTemplate, type RunResult } from '../../core/plugin/api.ts'
import { isAbsolute, join } from 'node:path'
import { SqliteSearchIndexes } from './drivers/sqlite.ts'
import { documentOf, fieldsOf, identifierOf, itemsOf, limitOf, queryOf, searchFieldsOf, type Limits } from './request.ts'
import { DRIVERS, METHODS, SearchActionSchema, SearchSettingsSchema, type Method, type SearchAction, type SearchSettings } from './schema.ts'

const NEEDS: Record<Method, keyof SearchAction> = { index: 'document', search: 'query', delete: 'document_id' }

const searchEnginePlugin = defineComponentPlugin<SearchSettings, SearchAction>({
  type: 'search-engine',
  settings: SearchSettingsSchema,
  action: SearchActionSchema,
  defaultOutput: '${result}',
  checkSettings(settings) {
    checkChoice(settings.driver, DRIVERS, 'driver')
  },
  checkAction(action) {
    const method = action.method
    if (method === undefined) throw new ConfigurationError(`needs "method": ${METHODS.join(', ')}`, [])
    if (isTemplate(method)) return
    checkChoice(method, METHODS, 'method')
    if (action.index === undefined) throw new ConfigurationError('needs "index"', [])
    if (!isTemplate(action.index) && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(action.index)) throw new ConfigurationError('expected a name of letters, digits and _', ['index'])
    if (action[NEEDS[method as Method]] === undefined) throw new ConfigurationError(`a ${method} needs "${NEEDS[method as Method]}"`, [])
    try {
      fieldsOf(action.fields)
    } catch (error) {
      throw new ConfigurationError((error as Error).message, ['fields'])
    }
  },
  create(settings, { env, baseDir }) {
    const limits: Limits = {
      maxItems: countSetting(env, 'MC_SEARCH_MAX_ITEMS', 1000),
      maxDocumentBytes: bytesSetting(env, 'MC_SEARCH_MAX_DOCUMENT_BYTES', 1024 ** 2),
      maxResults: countSetting(env, 'MC_SEARCH_MAX_RESULTS', 1000),
    }
    const storageDir = settings.storage_dir ?? './sqlite-search'
    const path = join(isAbsolute(storageDir) ? storageDir : join(baseDir, storageDir), settings.database ?? 'search.db')
    let indexes: SqliteSearchIndexes | undefined
    const opened = () => (indexes ??= new SqliteSearchIndexes(path))
    return {
      async start() {
        opened()
      },
      async stop() {
        indexes?.close()
        indexes = undefined
      },
      async run(action): Promise<RunResult> {
        const method = choiceOf(action.method, METHODS, 'method')
        const index = identifierOf(action.index, 'index')
        const { items, single } = itemsOf(action[NEEDS[method]], NEEDS[method], limits)
        const where = (position: number) => (single ? NEEDS[method] : `${NEEDS[method]}[${position}]`)
        let results: unknown[]
        if (method === 'index') {
          let fields
          try {
            fields = fieldsOf(action.fields)
          } catch (error) {
            throw invalidInput(`fields: ${(error as Error).message}`)
          }
          results = opened().index(index, fields, items.map((item, position) => documentOf(item, where(position), limits)), where)
        } else if (method === 'search') {
          const queries = items.map((item, position) => queryOf(item, where(position)))
          const searchFields = searchFieldsOf(action.search_fields)
          const limit = limitOf(action.limit, limits)
          if (limit * queries.length > limits.maxResults) {
            throw invalidInput(`query: ${queries.length} queries of up to ${limit} hits each, more than the ${limits.maxResults} hits one call gives (MC_SEARCH_MAX_RESULTS)`)
          }
          results = queries.map((query) => [opened().search(index, query, searchFields, limit)])
        } else {
          results = opened().delete(index, items.map((item, position) => queryOf(item, where(position))))
        }
        return { result: single ? results[0] : results }
      },
    }
  },
})

export default searchEnginePlugin
