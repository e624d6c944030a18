// The methods that work on loaded datasets (model-compose's, on Hugging Face
// Dataset objects; in mc a dataset is its list of rows): `concat` (vertical:
// rows after rows; horizontal: columns side by side), `select` (rows by index
// or columns by name) and `map` (a `{column}` template filling a new column).

import { invalidInput, pythonStr, toText } from '../../core/plugin/api.ts'
import type { Row } from './csv.ts'

export function datasetOf(value: unknown, key: string): Row[] {
  if (Array.isArray(value) && value.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) return value as Row[]
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    throw invalidInput(`${key}: expected a dataset (a list of rows), got the splits ${Object.keys(value).join(', ')}: load it with a split`)
  }
  throw invalidInput(`${key}: expected a dataset (a list of rows)`)
}

export function concat(datasets: unknown, direction: unknown): Row[] {
  if (!Array.isArray(datasets) || datasets.length === 0) throw invalidInput('datasets: expected a list of datasets')
  const all = datasets.map((dataset, i) => datasetOf(dataset, `datasets[${i}]`))
  if ((direction ?? 'vertical') === 'vertical') return all.flat()
  if (direction !== 'horizontal') throw invalidInput(`direction: expected vertical or horizontal, got ${JSON.stringify(direction)}`)
  const length = all[0]!.length
  if (all.some((rows) => rows.length !== length)) throw invalidInput('datasets: side by side (horizontal), the datasets must have as many rows')
  return all[0]!.map((_, i) => Object.assign({}, ...all.map((rows) => rows[i])))
}

export function selectRows(dataset: Row[], indices: unknown): Row[] {
  if (indices === null || indices === undefined) throw invalidInput('indices: give the rows to select (axis: rows)')
  return listOf(indices).map((value, i) => {
    const index = typeof value === 'number' ? value : Number(toText(value))
    if (!Number.isInteger(index) || index < 0 || index >= dataset.length) throw invalidInput(`indices[${i}]: expected a row index, 0 to ${dataset.length - 1}, got ${JSON.stringify(value)}`)
    return dataset[index]!
  })
}

export function selectColumns(dataset: Row[], columns: unknown): Row[] {
  if (columns === null || columns === undefined) throw invalidInput('columns: give the columns to select (axis: columns)')
  const names = listOf(columns).map(toText)
  const known = new Set(dataset.flatMap((row) => Object.keys(row)))
  for (const name of names) if (dataset.length > 0 && !known.has(name)) throw invalidInput(`columns: no column "${name}" (the dataset has: ${[...known].join(', ')})`)
  return dataset.map((row) => Object.fromEntries(names.map((name) => [name, row[name] ?? null])))
}

/** model-compose's format_template_example: each `{column}` of a column the row has, replaced by str() of its value. */
export function map(dataset: Row[], template: unknown, outputColumn: unknown, removeColumns: unknown): Row[] {
  if (typeof template !== 'string') throw invalidInput('template: expected a text with {column} placeholders')
  if (outputColumn === null || outputColumn === undefined || outputColumn === '') throw invalidInput('output_column: name the column the template fills')
  const output = toText(outputColumn)
  const removed = new Set(removeColumns === null || removeColumns === undefined ? [] : listOf(removeColumns).map(toText))
  return dataset.map((row) => {
    const text = template.replace(/\{(\w+)\}/g, (whole, column: string) => (column in row ? pythonStr(row[column]) : whole))
    const kept = Object.fromEntries(Object.entries(row).filter(([name]) => !removed.has(name)))
    return { ...kept, [output]: text }
  })
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value]
}
