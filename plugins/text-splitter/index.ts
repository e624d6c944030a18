// The `text-splitter` component (model-compose's): `${result}` is the list of
// chunks of `text` (a list of such lists for a list of texts; null for no
// text), cut as model-compose 0.4.92 cuts them (split-text.ts). `chunk_size`
// (1000) and `chunk_overlap` (200) count characters; `separators` or a
// `language` preset choose where to cut. `streaming: true` gives the chunks of
// one text as a stream. `batch_size` is accepted: it changes nothing in
// model-compose either, where texts are split one after the other.
//
// 0.4.10 files: their splitter prefixed each chunk with the end of the one
// before, glued on with no separator ("...needs to besplit into..."), making
// chunks longer than `chunk_size`; 0.4.92 replaced it, and so does mc.
// 0.4.10's `maximize_chunk: true` (fill each chunk) is what 0.4.92 does;
// `false` (one piece per chunk) it has no equivalent for, and is refused.

import { Type, type Static } from '@sinclair/typebox'
import { ConfigurationError, defineComponentPlugin, flagOf, invalidInput, markMessages, toText, wholeNumberOf } from '../../core/plugin/api.ts'
import { DEFAULT_SEPARATORS, LANGUAGE_SEPARATORS } from './language-separators.ts'
import { splitText } from './split-text.ts'

const Count = (minimum: number) => Type.Integer({ minimum, errorMessage: `expected a whole number, ${minimum} or more` })

const TextSplitterActionSchema = Type.Object({
  text: Type.Optional(Type.Unknown()),
  separators: Type.Optional(Type.Array(Type.String(), { errorMessage: 'expected a list of separators' })),
  language: Type.Optional(Type.Union(Object.keys(LANGUAGE_SEPARATORS).map((name) => Type.Literal(name)), { errorMessage: `expected one of ${Object.keys(LANGUAGE_SEPARATORS).join(', ')}` })),
  chunk_size: Type.Optional(Count(1)),
  chunk_overlap: Type.Optional(Count(0)),
  maximize_chunk: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  streaming: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  batch_size: Type.Optional(Count(1)),
})

type TextSplitterAction = Static<typeof TextSplitterActionSchema>

const MAXIMIZE_FALSE = 'false (model-compose 0.4.10: one piece per chunk) is not supported: mc splits as model-compose 0.4.92 does, filling each chunk up to chunk_size'

const textSplitterPlugin = defineComponentPlugin<Record<string, never>, TextSplitterAction>({
  type: 'text-splitter',
  action: TextSplitterActionSchema,
  defaultOutput: '${result}',
  checkAction(action) {
    if (!('text' in action)) throw new Error('needs "text"')
    if (action.language !== undefined && action.separators?.length) throw new ConfigurationError('give "language" or "separators", not both', ['language'])
    if (action.maximize_chunk === false) throw new ConfigurationError(MAXIMIZE_FALSE, ['maximize_chunk'])
  },
  create() {
    return {
      async run(action) {
        const chunkSize = wholeNumberOf(action.chunk_size ?? 1000, 'chunk_size', 1)
        const chunkOverlap = wholeNumberOf(action.chunk_overlap ?? 200, 'chunk_overlap', 0)
        if (chunkOverlap > chunkSize) throw invalidInput(`chunk_overlap (${chunkOverlap}) is larger than chunk_size (${chunkSize}); it must be smaller`)
        const language = action.language === undefined || action.language === null ? undefined : toText(action.language)
        if (language !== undefined && !LANGUAGE_SEPARATORS[language]) throw invalidInput(`language: expected one of ${Object.keys(LANGUAGE_SEPARATORS).join(', ')}, got "${language}"`)
        const separators = language ? LANGUAGE_SEPARATORS[language]! : action.separators?.length ? action.separators.map(toText) : DEFAULT_SEPARATORS
        if (!flagOf(action.maximize_chunk, 'maximize_chunk', true)) throw invalidInput(`maximize_chunk: ${MAXIMIZE_FALSE}`)
        const split = (text: unknown) => (text === null || text === undefined ? null : splitText(toText(text), separators, chunkSize, chunkOverlap))
        const { text } = action
        if (flagOf(action.streaming, 'streaming')) {
          if (Array.isArray(text)) throw invalidInput('streaming: splits one text, not a list of texts')
          return { result: chunksOf(split(text) ?? []) }
        }
        return { result: Array.isArray(text) ? text.map(split) : split(text) }
      },
    }
  },
})

/** The chunks as a stream of whole messages: drained, they make a list again, not one text. */
function chunksOf(chunks: string[]): AsyncIterable<string> {
  return markMessages((async function* () {
    yield* chunks
  })())
}

export default textSplitterPlugin
