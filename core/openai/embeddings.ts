// `POST /v1/embeddings`: a workflow that returns vectors, as an OpenAI model.
// A workflow that reads `${input.input}` gets the request's `input` as sent
// (a text or a list of texts) and returns a vector or a list of them; one
// with a single text input runs once per text and returns a vector each time.
// An upstream's own embeddings answer (`{data: [{embedding}]}`) passes through.
// Vectors go out as floats, or as base64 of little-endian float32s when asked
// (`encoding_format: base64`, what the OpenAI SDKs ask for by default).

import type { WorkflowModel } from '../model/compose-model.ts'
import { isStream } from '../stream/stream.ts'
import { OpenAiParamError } from './openai-error.ts'
import type { WorkflowRuns } from './workflow-runs.ts'

/** Texts embedded by one request at most (OpenAI's own limit). */
const MAX_INPUTS = 2048

export interface EmbeddingsRequest {
  model: string
  texts: string[]
  /** `input` was a list (the answer lists a vector per text either way). */
  listed: boolean
  base64: boolean
}

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OpenAiParamError('body', 'expected a JSON object')
  const raw = body as Record<string, unknown>
  if (typeof raw.model !== 'string' || raw.model === '') throw new OpenAiParamError('model', 'expected the name of a model (GET /v1/models lists them)')
  const listed = Array.isArray(raw.input)
  const texts = listed ? (raw.input as unknown[]) : [raw.input]
  if (texts.length === 0 || texts.length > MAX_INPUTS || !texts.every((t) => typeof t === 'string')) {
    throw new OpenAiParamError('input', `expected a text or a list of 1 to ${MAX_INPUTS} texts (token arrays are not accepted)`)
  }
  const format = raw.encoding_format ?? 'float'
  if (format !== 'float' && format !== 'base64') throw new OpenAiParamError('encoding_format', 'expected "float" or "base64"')
  return { model: raw.model, texts: texts as string[], listed, base64: format === 'base64' }
}

export async function embeddingsOf(runs: WorkflowRuns, workflow: WorkflowModel, request: EmbeddingsRequest, http: Request) {
  const fields = workflow.inputSchema
  const whole = fields.some((f) => f.name === 'input')
  if (!whole && (fields.length !== 1 || !['string', 'text'].includes(fields[0]!.type))) {
    throw new OpenAiParamError('model', `workflow of model "${request.model}" cannot embed: it must read \${input.input} (the texts) or one text input`)
  }
  const vectors: number[][] = []
  if (whole) vectors.push(...vectorsOf(await runOnce(runs, workflow, { input: request.listed ? request.texts : request.texts[0] }, http), request.model))
  else for (const text of request.texts) vectors.push(...vectorsOf(await runOnce(runs, workflow, { [fields[0]!.name]: text }, http), request.model))
  if (vectors.length !== request.texts.length) throw new OpenAiParamError('input', `model "${request.model}" returned ${vectors.length} vectors for ${request.texts.length} texts`, null, 502)
  return {
    object: 'list',
    model: request.model,
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: request.base64 ? base64Of(vector) : vector })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  }
}

async function runOnce(runs: WorkflowRuns, workflow: WorkflowModel, input: unknown, http: Request): Promise<unknown> {
  const run = await runs.start(workflow, input, http)
  if (isStream(run.output)) {
    run.cancel('an embedding workflow must return vectors, not a stream')
    throw new OpenAiParamError('model', `workflow "${workflow.id}" streams its output: an embedding workflow returns vectors`)
  }
  await run.complete()
  return run.output
}

/** A vector, a list of vectors, or an OpenAI embeddings answer → the vectors. */
function vectorsOf(output: unknown, model: string): number[][] {
  const isVector = (v: unknown): v is number[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')
  if (isVector(output)) return [output]
  if (Array.isArray(output) && output.length > 0 && output.every(isVector)) return output
  const data = (output as { data?: { embedding?: unknown }[] } | null)?.data
  if (Array.isArray(data) && data.every((d) => isVector(d?.embedding))) return data.map((d) => d.embedding as number[])
  throw new OpenAiParamError('model', `workflow of model "${model}" returned no vectors (expected a list of numbers, or a list of them)`, null, 502)
}

function base64Of(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64')
}
