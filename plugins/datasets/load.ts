// The `load` method on local files: `path` names a format (json, csv, text)
// read from `data_files` or `data_dir`, or is itself a local file
// (./train.jsonl). Anything else is a Hugging Face Hub id, which mc refuses:
// it runs offline and downloads no dataset. With `split` the result is that
// split's rows; without, a mapping of split names to rows (model-compose's
// DatasetDict). `shuffle` then `fraction` keep a random or leading share.

import { invalidInput, toText } from '../../core/plugin/api.ts'
import type { Row } from './csv.ts'
import { BUILDERS, builderOfFile, readRows, refuseParquet, type Builder } from './formats.ts'
import { filesBySplit } from './local-files.ts'

export interface LoadOptions {
  path: unknown
  dataFiles: unknown
  dataDir: unknown
  split: unknown
  fraction: unknown
  shuffle: boolean
}

export async function load(options: LoadOptions, baseDir: string, maxBytes: number): Promise<Row[] | Record<string, Row[]>> {
  const path = toText(options.path ?? '').trim()
  if (!path) throw invalidInput('path: give a format (json, csv, text) with data_files, or a local file')
  let builder: Builder
  let dataFiles = options.dataFiles
  if ((BUILDERS as readonly string[]).includes(path)) builder = path as Builder
  else if (path === 'parquet') refuseParquet()
  else if (builderOfFile(path)) {
    const implied = builderOfFile(path)!
    if (implied === 'parquet') refuseParquet()
    builder = implied
    dataFiles = path
  } else throw invalidInput(`path: "${path}" would be a Hugging Face Hub dataset, which mc does not download (it runs offline): give path: json, csv or text with local data_files`)
  const splits = filesBySplit(dataFiles, options.dataDir, baseDir, maxBytes)
  const fraction = fractionOf(options.fraction)
  const rowsOf = async (files: string[]) => sample((await Promise.all(files.map((file) => readRows(file, builder)))).flat(), options.shuffle, fraction)
  const split = options.split === null || options.split === undefined || options.split === '' ? undefined : toText(options.split)
  if (split !== undefined) {
    const files = splits[split]
    if (!files) throw invalidInput(`split: no split "${split}" (the data files give: ${Object.keys(splits).join(', ')})`)
    return rowsOf(files)
  }
  const all: Record<string, Row[]> = {}
  for (const [name, files] of Object.entries(splits)) all[name] = await rowsOf(files)
  return all
}

function fractionOf(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined
  const fraction = typeof value === 'number' ? value : Number(toText(value))
  if (!(fraction > 0 && fraction <= 1)) throw invalidInput(`fraction: expected a number above 0, at most 1, got ${JSON.stringify(value)}`)
  return fraction
}

/** model-compose's: shuffled first when asked, then the first max(int(n × fraction), 1) rows. */
function sample(rows: Row[], shuffle: boolean, fraction: number | undefined): Row[] {
  if (shuffle) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1))
      ;[rows[i], rows[j]] = [rows[j]!, rows[i]!]
    }
  }
  if (fraction === undefined || fraction >= 1) return rows
  return rows.slice(0, Math.max(Math.floor(rows.length * fraction), 1))
}
