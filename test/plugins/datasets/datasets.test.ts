// The datasets component on local files: 0.4.92's integrations/datasets/huggingface
// example, unchanged, run by `mc run` with local files for `path` instead of
// Hub ids; the formats (JSON Lines, JSON arrays, CSV, text), splits, map, and
// the refusals (a Hub id offline, Parquet, files outside the compose folder,
// past MC_DATASET_MAX_BYTES, filter).
import { describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, runMc } from '../../support/mc.ts'

const EXAMPLE = readFileSync(join(import.meta.dir, '../../fixtures/model-compose/0.4.92/integrations/datasets/huggingface/model-compose.yml'), 'utf8')

const ALPACA = [
  { instruction: 'Add 2 and 3', input: '', output: '5' },
  { instruction: 'Name a colour', input: '', output: 'Blue' },
  { instruction: 'Translate', input: 'bonjour', output: 'hello' },
  { instruction: 'Spell cat', input: '', output: 'c-a-t' },
]

const CSV = 'id,name,score,note\r\n1,"Smith, Jo",9.5,\r\n2,"say ""hi""",7,"two\nlines"\r\n'

function project(yaml: string): string {
  const dir = composeDir({
    'model-compose.yml': yaml,
    'alpaca.jsonl': ALPACA.map((row) => JSON.stringify(row)).join('\n') + '\n',
    'extra.json': JSON.stringify([{ instruction: 'Extra', input: '', output: 'yes' }]),
    'people.csv': CSV,
    'notes.txt': 'first line\n\nthird line\n',
    'big.jsonl': `${JSON.stringify({ text: 'x'.repeat(4000) })}\n`,
    'table.parquet': 'PAR1',
  })
  mkdirSync(join(dir, 'parts'))
  writeFileSync(join(dir, 'parts/a.jsonl'), '{"n":1}\n{"n":2}\n')
  writeFileSync(join(dir, 'parts/b.jsonl'), '{"n":3}\n')
  return dir
}

async function run(dir: string, workflow: string | undefined, input: unknown, env: Record<string, string> = {}) {
  return runMc(['run', ...(workflow ? [workflow] : []), '-i', JSON.stringify(input)], { cwd: dir, env })
}

async function rows(dir: string, workflow: string | undefined, input: unknown, env: Record<string, string> = {}) {
  const result = await run(dir, workflow, input, env)
  if (result.code !== 0) throw new Error(result.stderr)
  return JSON.parse(result.stdout)
}

describe("0.4.92's datasets example on local files", () => {
  const dir = project(EXAMPLE)

  test('load-dataset: a local JSON Lines file, its rows', async () => {
    expect(await rows(dir, 'load-dataset', { path: './alpaca.jsonl' })).toEqual(ALPACA)
  })

  test('load-dataset: fraction keeps the leading share, at least one row', async () => {
    expect(await rows(dir, 'load-dataset', { path: './alpaca.jsonl', fraction: 0.5 })).toEqual(ALPACA.slice(0, 2))
    expect(await rows(dir, 'load-dataset', { path: './alpaca.jsonl', fraction: 0.1 })).toEqual(ALPACA.slice(0, 1))
  })

  test('select-columns and select-rows', async () => {
    expect(await rows(dir, 'select-columns', { path: './alpaca.jsonl', fraction: 1, columns: ['instruction', 'output'] })).toEqual(ALPACA.map(({ instruction, output }) => ({ instruction, output })))
    expect(await rows(dir, 'select-rows', { path: './alpaca.jsonl', indices: [3, 0] })).toEqual([ALPACA[3], ALPACA[0]])
  })

  test('concat-datasets: a JSON Lines file then a JSON array file', async () => {
    expect(await rows(dir, 'concat-datasets', { 'path-1': './alpaca.jsonl', 'path-2': './extra.json' })).toEqual([...ALPACA, { instruction: 'Extra', input: '', output: 'yes' }])
  })

  test('its default, a Hugging Face Hub id, is refused offline in one line', async () => {
    expect(await run(dir, 'load-dataset', {})).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mc | error: path: "tatsu-lab/alpaca" would be a Hugging Face Hub dataset, which mc does not download (it runs offline): give path: json, csv or text with local data_files (job load-dataset, component huggingface-datasets)\n',
    })
  })

  test('a row index out of range and an unknown column are refused naming the field', async () => {
    expect((await run(dir, 'select-rows', { path: './alpaca.jsonl', indices: [9] })).stderr).toBe('mc | error: indices[0]: expected a row index, 0 to 3, got 9 (job select-rows, component huggingface-datasets)\n')
    expect((await run(dir, 'select-columns', { path: './alpaca.jsonl', columns: ['nope'] })).stderr).toBe('mc | error: columns: no column "nope" (the dataset has: instruction, input, output) (job select-columns, component huggingface-datasets)\n')
  })
})

describe('formats, splits, map and bounds', () => {
  const yaml = `
workflows:
  - id: load
    jobs:
      - id: load
        component: data
        action: load
        input: \${input}
  - id: format
    jobs:
      - id: load
        component: data
        action: load
        input: { path: json, data_files: alpaca.jsonl, split: train }
      - component: data
        action: format
        input:
          dataset: \${jobs.load.output}
        depends_on: [ load ]
        id: format
components:
  - id: data
    type: datasets
    driver: huggingface
    actions:
      - id: load
        method: load
        path: \${input.path}
        data_files: \${input.data_files}
        data_dir: \${input.data_dir}
        split: \${input.split}
      - id: format
        method: map
        dataset: \${input.dataset}
        template: "Q: {instruction} A: {output} {missing}"
        output_column: text
        remove_columns: [ input ]
`
  const dir = project(yaml)

  test('CSV: quoted fields, numbers, empty cells as null', async () => {
    expect(await rows(dir, 'load', { path: 'csv', data_files: 'people.csv', split: 'train' })).toEqual([
      { id: 1, name: 'Smith, Jo', score: 9.5, note: null },
      { id: 2, name: 'say "hi"', score: 7, note: 'two\nlines' },
    ])
  })

  test('text: one row a line; without split, the rows by split; data_dir and patterns', async () => {
    expect(await rows(dir, 'load', { path: 'text', data_files: 'notes.txt' })).toEqual({ train: [{ text: 'first line' }, { text: '' }, { text: 'third line' }] })
    expect(await rows(dir, 'load', { path: 'json', data_files: { train: 'parts/*.jsonl', test: 'extra.json' } })).toEqual({
      train: [{ n: 1 }, { n: 2 }, { n: 3 }],
      test: [{ instruction: 'Extra', input: '', output: 'yes' }],
    })
    expect(await rows(dir, 'load', { path: 'json', data_dir: 'parts', split: 'train' })).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
  })

  test("map fills a column from the row's values, as model-compose formats it", async () => {
    expect((await rows(dir, 'format', {}))[2]).toEqual({ instruction: 'Translate', output: 'hello', text: 'Q: Translate A: hello {missing}' })
  })

  test('files outside the compose folder, Parquet, too many bytes and bad JSON are refused in one line', async () => {
    const error = async (input: unknown, env: Record<string, string> = {}) => (await run(dir, 'load', input, env)).stderr
    expect(await error({ path: 'text', data_files: '/etc/passwd' })).toBe('mc | error: data_files: "/etc/passwd" is outside the compose file\'s folder (job load, component data)\n')
    expect(await error({ path: 'text', data_files: '../../etc/hostname' })).toMatch(/^mc \| error: data_files: "..\/..\/etc\/hostname" (is outside|does not exist)/)
    expect(await error({ path: 'parquet', data_files: 'table.parquet' })).toStartWith('mc | error: path: "parquet" is a model-compose datasets format that mc does not have')
    expect(await error({ path: 'json', data_files: 'big.jsonl' }, { MC_DATASET_MAX_BYTES: '1KiB' })).toBe('mc | error: the data files hold 4012 bytes, above MC_DATASET_MAX_BYTES (1 KiB) (job load, component data)\n')
    expect(await error({ path: 'json', data_files: 'people.csv' })).toStartWith('mc | error: data_files: people.csv: line 1: ')
  })

  test("0.4.10's provider: local reads the format from loader", async () => {
    const old = project('component:\n  type: datasets\n  action:\n    method: load\n    provider: local\n    loader: json\n    data_files: extra.json\n    split: train\n')
    expect(await rows(old, undefined, {})).toEqual([{ instruction: 'Extra', input: '', output: 'yes' }])
  })

  test('filter, which model-compose does not implement, is refused at its line', async () => {
    const bad = composeDir({ 'model-compose.yml': 'component:\n  type: datasets\n  driver: huggingface\n  action:\n    method: filter\n' })
    const result = await runMc(['run', '-i', '{}'], { cwd: bad })
    expect(result.code).toBe(1)
    expect(result.stderr).toStartWith('mc | error: model-compose.yml:5:13: ')
    expect(result.stderr).toContain('"filter"')
  })
})
