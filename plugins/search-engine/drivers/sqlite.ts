// `driver: sqlite`: full-text indexes in one SQLite file (bun:sqlite, whose
// SQLite has FTS5), laid out as model-compose lays them out so either opens
// what the other wrote: one FTS5 table an index (unicode61 tokenizer; the id
// field UNINDEXED: stored, not searched) and `_search_meta` holding each
// index's fields, id field and document count. Hits are ranked by BM25
// (`-bm25()`, higher is better). A query is one phrase, quoted as model-compose
// quotes it, so FTS5 syntax in it is searched as words, never run.

import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { invalidInput, pythonJson, pythonStr } from '../../../core/plugin/api.ts'
import type { Field } from './field.ts'

export interface IndexMeta {
  fields: Field[]
  idField: string | null
  documentCount: number
}

export interface Counts {
  affected_documents: number
  total_documents: number
}

export interface Hit {
  document: Record<string, string>
  score: number
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`

/** A value as model-compose stores it in a column: text as is, null as "", mappings and lists as JSON. */
function columnText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return pythonStr(value)
  return pythonJson(value)
}

export class SqliteSearchIndexes {
  private readonly db: Database
  private readonly metas = new Map<string, IndexMeta>()
  /** Per index, the rowids of each document id: FTS5 cannot index a column, so finding an id would scan the table on every upsert. */
  private readonly rowids = new Map<string, Map<string, number[]>>()

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.db = new Database(path, { create: true })
    this.db.run('PRAGMA journal_mode=WAL')
    this.db.run('PRAGMA synchronous=NORMAL')
    this.db.run('CREATE TABLE IF NOT EXISTS _search_meta (index_name TEXT PRIMARY KEY, fields_json TEXT NOT NULL, id_field TEXT, document_count INTEGER NOT NULL DEFAULT 0)')
  }

  /** Inserts documents (replacing those of the same id), creating the index from `fields` on first use; counts after each. `where` names a document in messages. */
  index(index: string, fields: Field[] | undefined, documents: Record<string, unknown>[], where: (position: number) => string): Counts[] {
    return this.atomically(index, () => {
      const meta = this.meta(index) ?? this.create(index, fields)
      const names = meta.fields.map((field) => field.name)
      const insert = this.db.prepare(`INSERT INTO ${quote(index)} (${names.map(quote).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      const counts = documents.map((document, position) => {
        let replaced = 0
        if (meta.idField !== null) {
          if (!(meta.idField in document)) throw invalidInput(`${where(position)}: missing its id field "${meta.idField}"`)
          replaced = this.removeById(index, meta.idField, String(document[meta.idField]))
        }
        const { lastInsertRowid } = insert.run(...names.map((name) => columnText(document[name])))
        if (meta.idField !== null) this.rowidsOf(index, meta.idField).set(String(document[meta.idField]), [Number(lastInsertRowid)])
        meta.documentCount += 1 - replaced
        return { affected_documents: 1, total_documents: meta.documentCount }
      })
      this.saveCount(index, meta)
      return counts
    })
  }

  /** The best `limit` hits of a phrase, in the given fields or all, best first. */
  search(index: string, query: string, searchFields: string[], limit: number): Hit[] {
    const meta = this.meta(index)
    if (meta === undefined) throw invalidInput(`index: "${index}" does not exist (index documents into it first)`)
    for (const name of searchFields) {
      if (!meta.fields.some((field) => field.name === name)) throw invalidInput(`search_fields: "${name}" is not a field of index "${index}" (it has ${meta.fields.map((f) => f.name).join(', ')})`)
    }
    const names = meta.fields.map((field) => field.name)
    const filter = searchFields.length > 0 ? `{${searchFields.join(' ')}} : ` : ''
    const rows = this.db
      .prepare(`SELECT ${names.map(quote).join(', ')}, -bm25(${quote(index)}) AS score FROM ${quote(index)} WHERE ${quote(index)} MATCH ? ORDER BY score DESC LIMIT ?`)
      .all(filter + phrase(query), limit) as Record<string, unknown>[]
    return rows.map((row) => ({ document: Object.fromEntries(names.map((name) => [name, row[name] as string])), score: row.score as number }))
  }

  /** Deletes documents by id; counts after each. An index without an id field deletes nothing. */
  delete(index: string, ids: string[]): Counts[] {
    return this.atomically(index, () => {
      const meta = this.meta(index)
      if (meta === undefined || meta.idField === null) return ids.map(() => ({ affected_documents: 0, total_documents: meta?.documentCount ?? 0 }))
      const counts = ids.map((id) => {
        const removed = Math.min(this.removeById(index, meta.idField!, id), 1)
        meta.documentCount = Math.max(0, meta.documentCount - removed)
        return { affected_documents: removed, total_documents: meta.documentCount }
      })
      this.saveCount(index, meta)
      return counts
    })
  }

  close(): void {
    this.db.close()
    this.metas.clear()
    this.rowids.clear()
  }

  /** Runs a write in one transaction; when it fails, the index's cached meta is dropped (it may be ahead of the rolled-back file). */
  private atomically<T>(index: string, write: () => T): T {
    try {
      return this.db.transaction(write)()
    } catch (error) {
      this.metas.delete(index)
      this.rowids.delete(index)
      throw error
    }
  }

  private meta(index: string): IndexMeta | undefined {
    const cached = this.metas.get(index)
    if (cached !== undefined) return cached
    const row = this.db.prepare('SELECT fields_json, id_field, document_count FROM _search_meta WHERE index_name = ?').get(index) as
      | { fields_json: string; id_field: string | null; document_count: number | null }
      | null
    if (row === null) return undefined
    const meta = { fields: JSON.parse(row.fields_json) as Field[], idField: row.id_field, documentCount: row.document_count ?? 0 }
    this.metas.set(index, meta)
    return meta
  }

  private create(index: string, fields: Field[] | undefined): IndexMeta {
    if (fields === undefined) throw invalidInput(`index: "${index}" does not exist and the action gives no "fields" to create it`)
    const columns = fields.map((field) => (field.type === 'id' ? `${quote(field.name)} UNINDEXED` : quote(field.name)))
    try {
      this.db.run(`CREATE VIRTUAL TABLE ${quote(index)} USING fts5(${columns.join(', ')}, tokenize='unicode61')`)
    } catch (error) {
      throw invalidInput(`index: cannot create "${index}": ${(error as Error).message}`)
    }
    const idField = fields.find((field) => field.type === 'id')?.name ?? null
    this.db.prepare('INSERT INTO _search_meta (index_name, fields_json, id_field, document_count) VALUES (?, ?, ?, 0)').run(index, pythonJson(fields), idField)
    const meta = { fields, idField, documentCount: 0 }
    this.metas.set(index, meta)
    return meta
  }

  /** Deletes the rows of a document id (the id checked too, so a rowid reused since is never hit): how many. */
  private removeById(index: string, idField: string, id: string): number {
    const ids = this.rowidsOf(index, idField)
    const remove = this.db.prepare(`DELETE FROM ${quote(index)} WHERE rowid = ? AND ${quote(idField)} = ?`)
    let removed = 0
    for (const rowid of ids.get(id) ?? []) removed += remove.run(rowid, id).changes
    ids.delete(id)
    return removed
  }

  /** The rowids of an index's documents by id, read from the file once (mc then keeps them as it writes: it owns the file while it runs). */
  private rowidsOf(index: string, idField: string): Map<string, number[]> {
    let ids = this.rowids.get(index)
    if (ids !== undefined) return ids
    ids = new Map()
    for (const row of this.db.prepare(`SELECT rowid, ${quote(idField)} AS id FROM ${quote(index)}`).all() as { rowid: number; id: string }[]) {
      const list = ids.get(row.id)
      if (list === undefined) ids.set(row.id, [row.rowid])
      else list.push(row.rowid)
    }
    this.rowids.set(index, ids)
    return ids
  }

  private saveCount(index: string, meta: IndexMeta): void {
    this.db.prepare('UPDATE _search_meta SET document_count = ? WHERE index_name = ?').run(meta.documentCount, index)
  }
}
