// The local file formats of model-compose's `load` (Hugging Face's builders),
// each file read into rows: `json` (JSON Lines, or one JSON array of objects),
// `csv` (csv.ts) and `text` (one row a line, {text}). `parquet` is refused by
// name: no library kept in mc reads it.

import { basename, extname } from 'node:path'
import { invalidInput, notInMc } from '../../core/plugin/api.ts'
import { parseCsv, type Row } from './csv.ts'

export const BUILDERS = ['json', 'csv', 'text'] as const
export type Builder = (typeof BUILDERS)[number]

const EXTENSIONS: Record<string, Builder | 'parquet'> = { '.json': 'json', '.jsonl': 'json', '.csv': 'csv', '.txt': 'text', '.parquet': 'parquet' }

/** The builder a file's extension implies (for `path: ./data.jsonl`); undefined for none known. */
export function builderOfFile(path: string): Builder | 'parquet' | undefined {
  return EXTENSIONS[extname(path).toLowerCase()]
}

export function refuseParquet(): never {
  throw invalidInput(`path: ${notInMc('datasets format', 'parquet', BUILDERS)}: no library kept in mc reads Parquet; convert the file to JSON Lines or CSV`)
}

export async function readRows(path: string, builder: Builder): Promise<Row[]> {
  const text = await Bun.file(path).text()
  const name = basename(path)
  try {
    if (builder === 'csv') return parseCsv(text)
    if (builder === 'text') return linesOf(text).map((line) => ({ text: line }))
    return jsonRows(text)
  } catch (error) {
    throw invalidInput(`data_files: ${name}: ${(error as Error).message}`)
  }
}

function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  return lines
}

function jsonRows(text: string): Row[] {
  const trimmed = text.trim()
  if (trimmed.startsWith('[')) return objects(JSON.parse(trimmed), 'the JSON array')
  return linesOf(text).flatMap((line, i) => {
    if (!line.trim()) return []
    try {
      return objects([JSON.parse(line)], `line ${i + 1}`)
    } catch (error) {
      throw new Error(`line ${i + 1}: ${(error as Error).message}`)
    }
  })
}

function objects(values: unknown, where: string): Row[] {
  if (!Array.isArray(values) || !values.every((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) throw new Error(`${where}: expected JSON objects, one a row`)
  return values as Row[]
}
