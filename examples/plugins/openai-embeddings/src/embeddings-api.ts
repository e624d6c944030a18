// One call of an OpenAI-compatible `POST {base_url}/embeddings`: the request
// within the timeout (head and body), the body read with a cap, the answer
// checked into one vector per text. Every message names the endpoint without
// its query and with the credentials masked.

import { collectBytes, HttpError, upstreamFailed, upstreamTimedOut } from 'mc/plugin'

export interface Endpoint {
  url: string
  headers: Record<string, string>
  timeoutMs: number
  maxResponseBytes: number
  /** Replaces the credentials the endpoint sends, should an upstream message echo one. */
  mask(text: string): string
}

export interface Usage {
  prompt_tokens: number
  total_tokens: number
}

export interface Embeddings {
  vectors: number[][]
  model?: string
  usage: Usage
}

/** The part of an error answer's body read for its message. */
const ERROR_BODY_BYTES = 64 * 1024

export async function embed(endpoint: Endpoint, body: { model: string; input: string | string[]; dimensions?: number }, signal: AbortSignal): Promise<Embeddings> {
  const what = `upstream POST ${describeUrl(endpoint.url)}`
  const count = Array.isArray(body.input) ? body.input.length : 1
  const timer = new AbortController()
  const timeout = setTimeout(() => timer.abort(upstreamTimedOut(`${what} did not answer within ${endpoint.timeoutMs / 1000}s`)), endpoint.timeoutMs)
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
      body: JSON.stringify({ ...body, encoding_format: 'float' }),
      signal: AbortSignal.any([signal, timer.signal]),
    })
    if (!response.ok) {
      const detail = upstreamMessage(await readText(response, ERROR_BODY_BYTES, () => new Error('too long to quote')).catch(() => ''))
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
      throw upstreamFailed(endpoint.mask(`${what} answered ${status}${detail ? `: ${detail}` : ''}`))
    }
    if (Number(response.headers.get('content-length')) > endpoint.maxResponseBytes) throw tooLarge(what, endpoint.maxResponseBytes)
    const text = await readText(response, endpoint.maxResponseBytes, () => tooLarge(what, endpoint.maxResponseBytes))
    return embeddingsOf(text, count, what, endpoint.mask)
  } catch (error) {
    if (signal.aborted) throw signal.reason
    if (timer.signal.aborted) throw timer.signal.reason
    if (error instanceof HttpError) throw error // one of ours: it already says what went wrong
    throw upstreamFailed(endpoint.mask(`${what}: request failed: ${causeOf(error)}`))
  } finally {
    clearTimeout(timeout)
  }
}

async function readText(response: Response, max: number, tooMuch: () => Error): Promise<string> {
  if (!response.body) return ''
  return (await collectBytes(response.body, max, tooMuch)).toString('utf8')
}

/** The answer → one vector per text, in the order of the texts. */
function embeddingsOf(text: string, count: number, what: string, mask: (text: string) => string): Embeddings {
  const fail = (why: string) => upstreamFailed(mask(`${what} did not answer with embeddings: ${why}`))
  let answer: { data?: unknown; model?: unknown; usage?: { prompt_tokens?: unknown; total_tokens?: unknown } }
  try {
    answer = JSON.parse(text)
  } catch {
    throw fail(`the body is not JSON (${excerpt(text) || 'empty'})`)
  }
  const data = answer?.data
  if (!Array.isArray(data)) throw fail('no "data" list')
  if (data.length !== count) throw fail(`${data.length} embeddings for ${count} texts`)
  // Each item says which text it embeds; an answer without indexes is in the order of the texts.
  const byIndex = data.every((item) => Number.isInteger(item?.index))
  const vectors: number[][] = new Array(count)
  data.forEach((item, position) => {
    const at = byIndex ? (item.index as number) : position
    if (at < 0 || at >= count || vectors[at]) throw fail(`"index" ${at} is out of place for ${count} texts`)
    const vector = item?.embedding
    if (!Array.isArray(vector) || !vector.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw fail(`the embedding of text ${at} is not a list of numbers (got ${excerpt(JSON.stringify(vector) ?? 'nothing')})`)
    }
    vectors[at] = vector
  })
  const tokens = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0)
  return {
    vectors,
    ...(typeof answer.model === 'string' ? { model: answer.model } : {}),
    usage: { prompt_tokens: tokens(answer.usage?.prompt_tokens), total_tokens: tokens(answer.usage?.total_tokens) },
  }
}

/** An error answer's own message: OpenAI's `{error: {message}}`, Ollama's and TEI's `{error}`, vLLM's `{message}`, FastAPI's `{detail}`; else the text. */
function upstreamMessage(body: string): string {
  try {
    const json = JSON.parse(body)
    const message = json?.error?.message ?? json?.error ?? json?.message ?? json?.detail
    if (typeof message === 'string') return excerpt(message)
  } catch {
    // not JSON: the text itself
  }
  return excerpt(body)
}

function tooLarge(what: string, max: number): Error {
  return upstreamFailed(`${what} answered with more than ${max} bytes (max_response_bytes); raise max_response_bytes, or embed fewer texts per request with batch_size`)
}

/** A text as one short line, for messages. */
function excerpt(text: string, max = 300): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max)}…` : line
}

/** The URL without its user info and query (either may carry a key). */
export function describeUrl(url: string): string {
  const parsed = new URL(url)
  return `${parsed.origin}${parsed.pathname}`
}

function causeOf(error: unknown): string {
  let e = error as { cause?: unknown; message?: string; code?: string } | undefined
  while (e?.cause) e = e.cause as typeof e
  return e?.code ?? e?.message ?? String(error)
}
