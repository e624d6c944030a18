// One request/response exchange with an upstream: the head awaited within
// `timeout`, retries on connect errors, 429 and 5xx (honouring Retry-After)
// until the first chunk has gone downstream, and the body decoded into a value
// or a stream. The run's AbortSignal aborts the request at any point.

import { setTimeout as sleep } from 'node:timers/promises'
import { ofetch } from 'ofetch'
import { HttpError, upstreamFailed, upstreamTimedOut } from '../../core/errors.ts'
import type { Logger } from '../../core/log.ts'
import { readBody } from './body.ts'
import { decodeStream, decodeWhole, isStreamed } from './decode.ts'
import { describeUrl, type PreparedRequest } from './request.ts'

const MAX_RETRY_AFTER_MS = 60_000

export async function exchange(request: PreparedRequest, signal: AbortSignal, log: Logger): Promise<unknown> {
  const what = `upstream ${request.method} ${describeUrl(request.url)}`
  let retriesLeft = request.maxRetries

  /** Waits before the next attempt, or says there is none. */
  const retry = async (reason: string, delayMs: number): Promise<boolean> => {
    if (retriesLeft <= 0 || signal.aborted) return false
    retriesLeft--
    log.warn(`${what}: ${reason}; retrying in ${delayMs / 1000}s (${request.maxRetries - retriesLeft}/${request.maxRetries})`)
    await sleep(delayMs, undefined, { signal })
    return true
  }

  const open = async (): Promise<Response> => {
    for (;;) {
      let response: Response
      try {
        response = await send(request, signal, what)
      } catch (error) {
        if (signal.aborted) throw signal.reason
        if (error instanceof HttpError) throw error
        const reason = `request failed: ${causeOf(error)}`
        if (await retry(reason, request.retryDelayMs)) continue
        throw upstreamFailed(`${what}: ${reason}`)
      }
      if (response.ok) return response
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
      const retryable = response.status === 429 || response.status >= 500
      const excerpt = await bodyExcerpt(response)
      if (retryable && (await retry(`answered ${status}`, retryAfter(response) ?? request.retryDelayMs))) continue
      throw upstreamFailed(`${what} answered ${status}${excerpt ? `: ${excerpt}` : ''}`)
    }
  }

  const first = await open()
  const contentType = first.headers.get('content-type') ?? ''
  const body = (response: Response) => readBody(response.body, request.timeoutMs, what)
  if (!isStreamed(contentType, request.streamFormat)) return decodeWhole(body(first), contentType)

  // Not a generator: this sits on every chunk's path, and a plain iterator adds no await.
  const chunks = (response: Response) => decodeStream(body(response), contentType, request.streamFormat)[Symbol.asyncIterator]()
  let inner = chunks(first)
  let sent = false
  const recover = async (error: unknown): Promise<IteratorResult<unknown>> => {
    if (signal.aborted) throw signal.reason
    if (error instanceof HttpError) throw error
    const reason = `stream broke: ${causeOf(error)}`
    // Retrying is safe only while nothing has gone downstream yet.
    if (sent || !(await retry(reason, request.retryDelayMs))) throw upstreamFailed(`${what}: ${reason}`)
    inner = chunks(await open())
    return stream.next()
  }
  const stream: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]: () => stream,
    next: () =>
      inner.next().then((result) => {
        sent ||= !result.done
        return result
      }, recover),
    return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true, value }),
  }
  return stream
}

/** Sends the request; the head must arrive within the timeout. */
async function send(request: PreparedRequest, signal: AbortSignal, what: string): Promise<Response> {
  const head = new AbortController()
  const timer = setTimeout(() => head.abort(upstreamTimedOut(`${what} did not answer within ${request.timeoutMs / 1000}s`)), request.timeoutMs)
  try {
    return await ofetch.raw(request.url, {
      method: request.method,
      headers: request.headers,
      query: request.query,
      body: request.body as Record<string, unknown>,
      signal: AbortSignal.any([signal, head.signal]),
      retry: false,
      responseType: 'stream',
      ignoreResponseError: true,
    })
  } catch (error) {
    if (head.signal.aborted) throw head.signal.reason
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date), capped. */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : undefined
}

async function bodyExcerpt(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, ' ').trim()
    return text.length > 200 ? `${text.slice(0, 200)}…` : text
  } catch {
    return ''
  }
}

function causeOf(error: unknown): string {
  let e = error as { cause?: unknown; message?: string; code?: string } | undefined
  while (e?.cause) e = e.cause as typeof e
  return e?.code ?? e?.message ?? String(error)
}
