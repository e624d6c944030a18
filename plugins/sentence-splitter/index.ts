// The `sentence-splitter` component (model-compose 0.4.92's, driver `native`,
// the only one): `text` cut into sentences (sentence-buffer.ts). `text` may be
// a stream of pieces, such as an LLM's tokens; with `streaming: true` the
// result is a stream that gives each sentence as soon as it has ended, while
// the tokens still come. Without it, the result is the list of sentences (a
// list of lists for a list of texts). `min_chunk_length` joins short
// sentences; `max_chunk_length` cuts text that has no terminator.
//
// Difference from model-compose: a streamed result is a stream of whole
// messages (one SSE event a sentence; read whole, the list of sentences),
// where model-compose's, read whole, glues the sentences together with no
// space between them. A sentence never longer than MC_MAX_SENTENCE_CHARS
// (65536) characters: past it, mc cuts it as max_chunk_length would.

import { countSetting, defineComponentPlugin, flagOf, invalidInput, isStream, markMessages, toText, Type, wholeNumberOf, type Static, type Stream } from '../../core/plugin/api.ts'
import { SentenceBuffer } from './sentence-buffer.ts'

const DEFAULT_MAX_SENTENCE_CHARS = 65536

const Whole = Type.Union([Type.Integer({ minimum: 0 }), Type.String()], { errorMessage: 'expected a whole number' })
const Flag = Type.Union([Type.Boolean(), Type.String()], { errorMessage: 'expected true or false' })

const SettingsSchema = Type.Object({
  driver: Type.Optional(Type.Literal('native', { errorMessage: 'expected native (the only sentence-splitter driver)' })),
})

const ActionSchema = Type.Object({
  text: Type.Optional(Type.Unknown()),
  min_chunk_length: Type.Optional(Type.Union([Whole, Type.Null()])),
  max_chunk_length: Type.Optional(Type.Union([Whole, Type.Null()])),
  batch_size: Type.Optional(Type.Union([Whole, Type.Null()])),
  streaming: Type.Optional(Flag),
})

type SentenceSplitterAction = Static<typeof ActionSchema>

interface Lengths {
  min: number
  max: number | undefined
  hardLimit: number
}

const sentenceSplitterPlugin = defineComponentPlugin<Static<typeof SettingsSchema>, SentenceSplitterAction>({
  type: 'sentence-splitter',
  settings: SettingsSchema,
  action: ActionSchema,
  defaultOutput: '${result}',
  readsStreams: true,
  checkAction(action) {
    if (!('text' in action)) throw new Error('needs "text"')
  },
  create(_settings, { env }) {
    const hardLimit = countSetting(env, 'MC_MAX_SENTENCE_CHARS', DEFAULT_MAX_SENTENCE_CHARS)
    return {
      async run(action) {
        const lengths = lengthsOf(action, hardLimit)
        const { text } = action
        if (flagOf(action.streaming, 'streaming')) {
          if (Array.isArray(text)) throw invalidInput('streaming: splits one text (or one stream of text), not a list of texts')
          return { result: markMessages(sentencesOf(text, lengths)) }
        }
        if (Array.isArray(text)) return { result: await Promise.all(text.map((one) => collect(one, lengths))) }
        return { result: await collect(text, lengths) }
      },
    }
  },
})

/** Each sentence of a text, or of a stream of its pieces, as soon as it has ended. */
async function* sentencesOf(text: unknown, { min, max, hardLimit }: Lengths): AsyncGenerator<string> {
  const buffer = new SentenceBuffer(min, max, hardLimit)
  if (isStream(text)) {
    const decoder = new TextDecoder()
    for await (const piece of text as Stream) {
      yield* buffer.feed(piece instanceof Uint8Array ? decoder.decode(piece, { stream: true }) : toText(piece))
    }
    yield* buffer.feed(decoder.decode())
  } else if (text !== null && text !== undefined) {
    yield* buffer.feed(toText(text))
  }
  yield* buffer.flush()
}

async function collect(text: unknown, lengths: Lengths): Promise<string[]> {
  const sentences: string[] = []
  for await (const sentence of sentencesOf(text, lengths)) sentences.push(sentence)
  return sentences
}

function lengthsOf(action: SentenceSplitterAction, hardLimit: number): Lengths {
  const min = wholeNumberOf(action.min_chunk_length ?? 0, 'min_chunk_length', 0)
  const max = action.max_chunk_length === null || action.max_chunk_length === undefined ? undefined : wholeNumberOf(action.max_chunk_length, 'max_chunk_length', 1)
  if (max !== undefined && max < min) throw invalidInput(`max_chunk_length (${max}) must be at least min_chunk_length (${min})`)
  if (min > hardLimit) throw invalidInput(`min_chunk_length (${min}) is above MC_MAX_SENTENCE_CHARS (${hardLimit})`)
  return { min, max, hardLimit }
}

export default sentenceSplitterPlugin
