// CSV as the datasets component reads it (model-compose's `csv` builder,
// which reads with pandas): the first record names the columns, fields may be
// quoted ("a ""quoted"" field", line ends inside quotes kept), and a column
// whose every non-empty cell is a number holds numbers; an empty cell is null.

export type Row = Record<string, unknown>

/** The rows of a CSV text; a record with the wrong number of fields fails naming its line. */
export function parseCsv(text: string): Row[] {
  const records = recordsOf(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  const header = records.shift()
  if (!header) return []
  const columns = header.fields.map((name, i) => name || `Unnamed: ${i}`)
  const cells = records.map(({ fields, line }) => {
    if (fields.length !== columns.length) throw new Error(`line ${line}: expected ${columns.length} fields, found ${fields.length}`)
    return fields
  })
  const numeric = columns.map((_, c) => cells.some((row) => row[c] !== '') && cells.every((row) => row[c] === '' || NUMBER.test(row[c]!)))
  return cells.map((fields) => Object.fromEntries(columns.map((name, c) => [name, fields[c] === '' ? null : numeric[c] ? Number(fields[c]) : fields[c]])))
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

interface CsvRecord {
  fields: string[]
  /** Its first line, from 1. */
  line: number
}

/** One field and what ends it: a comma, a line end, or the end of the text. */
const FIELD = /(?:"((?:[^"]|"")*)"|([^,\r\n"]*))(,|\r\n|\n|\r|$)/y

function recordsOf(text: string): CsvRecord[] {
  const records: CsvRecord[] = []
  let fields: string[] = []
  let line = 1
  let start = 1
  FIELD.lastIndex = 0
  while (FIELD.lastIndex < text.length) {
    const at = FIELD.lastIndex
    const match = FIELD.exec(text)
    if (!match) throw new Error(`line ${line}: ${text[at] === '"' ? 'a quoted field is never closed' : 'a quote inside an unquoted field'}`)
    const [, quoted, plain, end] = match
    if (quoted !== undefined) {
      fields.push(quoted.replaceAll('""', '"'))
      for (let i = quoted.indexOf('\n'); i >= 0; i = quoted.indexOf('\n', i + 1)) line++
    } else fields.push(plain!)
    if (end === ',') continue
    line++
    if (!(fields.length === 1 && fields[0] === '')) records.push({ fields, line: start })
    fields = []
    start = line
    if (end === '') break
  }
  if (text.endsWith(',')) fields.push('')
  if (fields.length > 0) records.push({ fields, line: start })
  return records
}
