// The text-splitter component: model-compose's own split-text examples (0.4.10
// examples/split-text, 0.4.92 text-processing/split-text) run by `mc run`, the
// chunks compared with what model-compose's own code (0.4.92's
// StreamingTextSplitter, run once with its Python sources) gives for the same
// input. The inputs start with the examples' README one.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { composeDir, runMc } from '../../support/mc.ts'

/** The input of the examples' README (its API call). */
const README = 'This is a long document that needs to be split into smaller chunks for processing by AI models. Each chunk should maintain context while respecting size limits.'
/** Paragraphs, lines, Hangul and emoji: lengths are counted in characters (code points), as Python does. */
const KOREAN = "첫 문단입니다. 🎉🎉 축하해요\n\n두 번째 문단은 조금 더 깁니다.\n세 번째 줄 🚀 끝."
/** No separator at all: cut by characters. */
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'

const EXAMPLES = {
  '0.4.10': join(import.meta.dir, '../../fixtures/model-compose/0.4.10/split-text/model-compose.yml'),
  '0.4.92': join(import.meta.dir, '../../fixtures/model-compose/0.4.92/text-processing/split-text/model-compose.yml'),
}

const splitWith = async (yaml: string, input: unknown, workflow: string[] = []) => {
  const result = await runMc(['run', ...workflow, '-i', JSON.stringify(input)], { cwd: composeDir({ 'model-compose.yml': yaml }) })
  expect(result.stderr).toBe('')
  return result.stdout
}

// [the example's input, the chunks model-compose gives]
const TABLE: [Record<string, unknown>, string[]][] = [
  [{ text: README }, ["This is a long document that needs to be split into smaller chunks for processing by AI models. Each chunk should maintain context while respecting size limits."]],
  [{ text: README, chunk_size: 1000, chunk_overlap: 200 }, ["This is a long document that needs to be split into smaller chunks for processing by AI models. Each chunk should maintain context while respecting size limits."]],
  [{ text: README, chunk_size: 40, chunk_overlap: 10 }, ["This is a long document that needs to be", "to be split into smaller chunks for", "for processing by AI models. Each chunk", "chunk should maintain context while", "while respecting size limits."]],
  [{ text: README, chunk_size: 25, chunk_overlap: 0 }, ["This is a long document", "that needs to be split", "into smaller chunks for", "processing by AI models.", "Each chunk should", "maintain context while", "respecting size limits."]],
  [{ text: KOREAN, chunk_size: 12, chunk_overlap: 4 }, ["첫 문단입니다. 🎉🎉", "🎉🎉 축하해요", "두 번째 문단은 조금", "조금 더 깁니다.", "세 번째 줄 🚀 끝."]],
  [{ text: LETTERS, chunk_size: 10, chunk_overlap: 3 }, ["abcdefghij", "hijklmnopq", "opqrstuvwx", "vwxyz"]],
  [{ text: README, chunk_size: 40, chunk_overlap: 10, maximize_chunk: true }, ["This is a long document that needs to be", "to be split into smaller chunks for", "for processing by AI models. Each chunk", "chunk should maintain context while", "while respecting size limits."]],
]

const TEXT_NAMES = new Map<unknown, string>([
  [README, 'README'],
  [KOREAN, 'KOREAN'],
  [LETTERS, 'LETTERS'],
])
const label = (input: Record<string, unknown>) => Object.entries(input).map(([key, value]) => (key === 'text' ? TEXT_NAMES.get(value) : `${key}=${value}`)).join(' ')

describe("model-compose's split-text examples", () => {
  const cases = (['0.4.10', '0.4.92'] as const).flatMap((version) => TABLE.map(([input, chunks]) => [version, label(input), input, chunks] as const))
  test.each(cases)('%s: %s', async (version, _label, input, chunks) => {
    expect(JSON.parse(await splitWith(readFileSync(EXAMPLES[version], 'utf8'), input))).toEqual(chunks)
  })

  test("0.4.10's maximize_chunk: false (one piece per chunk) is refused saying why", async () => {
    const dir = composeDir({ 'model-compose.yml': readFileSync(EXAMPLES['0.4.10'], 'utf8') })
    expect(await runMc(['run', '-i', JSON.stringify({ text: README, maximize_chunk: false })], { cwd: dir })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mc | error: maximize_chunk: false (model-compose 0.4.10: one piece per chunk) is not supported: mc splits as model-compose 0.4.92 does, filling each chunk up to chunk_size\n',
    })
  })
})

describe('separators, language presets, streaming', () => {
  const yaml = `
workflows:
  - { id: markdown, component: markdown }
  - { id: python, component: python }
  - { id: sentences, component: sentences }
  - { id: streamed, component: streamed }
components:
  - id: markdown
    type: text-splitter
    text: \${input.text}
    language: markdown
    chunk_size: 40
    chunk_overlap: 0
  - id: python
    type: text-splitter
    text: \${input.text}
    language: python
    chunk_size: 30
    chunk_overlap: 0
  - id: sentences
    type: text-splitter
    text: \${input.text}
    separators: [". "]
    chunk_size: 12
    chunk_overlap: 0
  - id: streamed
    type: text-splitter
    text: \${input.text}
    separators: [". "]
    chunk_size: 12
    chunk_overlap: 0
    streaming: true
`
  const MARKDOWN = "# Title\n\nIntro text here.\n\n## Part one\n\nSome words about part one.\n\n## Part two\n\nMore words about part two, a little longer."
  const PYTHON = "import os\n\nclass A:\n    def f(self):\n        return 1\n\ndef g():\n    return 2\n\ndef h():\n    return 3\n"
  const SENTENCES = "one. two. three. four. five."

  test.each([
    ['markdown', MARKDOWN, ["# Title\n\nIntro text here.", "## Part one", "Some words about part one.", "## Part two", "More words about part two, a little", "longer."]],
    ['python', PYTHON, ["import os", "class A:\n    def f(self):", "return 1", "def g():\n    return 2", "def h():\n    return 3"]],
    ['sentences', SENTENCES, ["one. two", ". three", ". four", ". five."]],
  ])('%s', async (workflow, text, chunks) => {
    expect(JSON.parse(await splitWith(yaml, { text }, [workflow]))).toEqual(chunks)
  })

  test('streaming: true gives the chunks one by one (mc run writes one a line)', async () => {
    expect(await splitWith(yaml, { text: SENTENCES }, ['streamed'])).toBe("one. two\n. three\n. four\n. five.\n")
  })

  test('a text with none of the separators is kept whole (model-compose would drop it)', async () => {
    expect(JSON.parse(await splitWith(yaml, { text: 'no separator in here' }, ['sentences']))).toEqual(['no separator in here'])
  })
})

describe('bad values', () => {
  test('an overlap larger than the chunk is one line; language with separators is a load error at its line', async () => {
    const dir = composeDir({ 'model-compose.yml': readFileSync(EXAMPLES['0.4.92'], 'utf8') })
    const overlap = await runMc(['run', '-i', JSON.stringify({ text: README, chunk_size: 10, chunk_overlap: 50 })], { cwd: dir })
    expect(overlap).toEqual({ code: 1, stdout: '', stderr: 'mc | error: chunk_overlap (50) is larger than chunk_size (10); it must be smaller\n' })
    const both = composeDir({ 'model-compose.yml': 'component:\n  type: text-splitter\n  text: ${input.text}\n  separators: [" "]\n  language: python\n' })
    expect(await runMc(['validate'], { cwd: both })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'mc | error: model-compose.yml:5:13: component.language: give "language" or "separators", not both\n',
    })
  })
})
