// text-reranking: a cross-encoder scores each (query, document) pair; the
// result is model-compose's list of `{index, score, document}` (document
// unless return_documents: false), best first, cut by `score_threshold` and
// `top_k`. The score is the pair's logit (its last, when the model gives
// several), through a sigmoid unless params.normalize is false. Documents are
// texts, or objects whose `document_field` holds the text. A list of queries
// (with a list of document lists) gives one ranking per query.

import { ConfigurationError, flagOf, invalidInput } from '../../../core/plugin/api.ts'
import { encodeInBatches, rowsOf } from '../engine/encode.ts'
import { countOf, MAX_INPUTS, numberOf, textsOf } from '../engine/rendered-values.ts'
import { needsEncoder, type EncoderTask } from '../engine/task.ts'
import { checkTaskKeys, encoderParamOf } from '../engine/task-keys.ts'

function documentText(document: unknown, field: string | undefined, at: string): string {
  if (typeof document === 'string') return document
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw invalidInput(`${at}: expected a text or an object`)
  if (!field) throw invalidInput(`${at}: documents are objects, so the action needs "document_field" (the key of their text)`)
  const text = (document as Record<string, unknown>)[field]
  if (typeof text !== 'string') throw invalidInput(`${at}.${field}: expected a text`)
  return text
}

/** The document lists, one per query. */
function documentLists(documents: unknown, single: boolean, queries: number): unknown[][] {
  if (!Array.isArray(documents)) throw invalidInput('documents: expected a list')
  if (single) return [documents]
  if (documents.length !== queries || !documents.every(Array.isArray)) throw invalidInput(`documents: with a list of ${queries} queries, expected a list of ${queries} document lists`)
  return documents as unknown[][]
}

export const textReranking: EncoderTask = {
  pipeline: () => 'text-classification',
  head: 'sequence-classification',
  architectureProblem: needsEncoder('text-reranking'),
  checkAction(action) {
    for (const key of ['query', 'documents'] as const) if (action[key] === undefined) throw new ConfigurationError(`task text-reranking needs "${key}"`, [key])
    for (const key of ['text', 'prompt', 'messages'] as const) if (action[key] !== undefined) throw new ConfigurationError(`task text-reranking reads "query" and "documents", not "${key}"`, [key])
    checkTaskKeys('text-reranking', action, true)
  },
  async run(model, action, _settings, context) {
    const { texts: queries, single } = textsOf(action.query, 'query')
    const lists = documentLists(action.documents, single, queries.length)
    const field = action.document_field
    const pairs = lists.flatMap((documents, q) => documents.map((document, d) => ({ q, d, text: documentText(document, field, single ? `documents[${d}]` : `documents[${q}][${d}]`) })))
    if (pairs.length > MAX_INPUTS) throw invalidInput(`documents: ${pairs.length} query–document pairs in one call; at most ${MAX_INPUTS}`)
    const topK = countOf(action.top_k, 'top_k')
    const threshold = numberOf(action.score_threshold, 'score_threshold')
    const withDocuments = flagOf(action.return_documents, 'return_documents', true)
    const normalize = flagOf(encoderParamOf(action, 'normalize'), 'normalize', true)
    const scores = await encodeInBatches(model, action, pairs.map((p) => queries[p.q]!), pairs.map((p) => p.text), context, ({ logits }) => {
      if (!logits) throw new Error('the model gives no logits: task text-reranking needs a cross-encoder (sequence-classification) model')
      return rowsOf(logits).map((row) => row[row.length - 1]!).map((logit) => (normalize ? 1 / (1 + Math.exp(-logit)) : logit))
    })
    const rankings = lists.map((documents, q) => {
      const ranked = pairs
        .map((pair, i) => ({ pair, score: scores[i]! }))
        .filter(({ pair }) => pair.q === q)
        .map(({ pair, score }) => ({ index: pair.d, score, ...(withDocuments ? { document: documents[pair.d] } : {}) }))
        .sort((a, b) => b.score - a.score)
        .filter((item) => threshold === undefined || item.score >= threshold)
      return topK === undefined ? ranked : ranked.slice(0, topK)
    })
    return { result: single ? rankings[0] : rankings }
  },
}
