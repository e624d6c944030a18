// One request/response exchange with an upstream: the head awaited within
// `timeout`, retries on connect errors, 429 and 5xx (honouring Retry-After, or
// failing at once when it asks for a longer wait than `timeout`) until the
// first chunk has gone downstream, and the body decoded into a value or a
// stream. The run's AbortSignal aborts the request at any point. A request
// that found this process out of file descriptors waits for one (nothing of
// it went out) for as long as the head may take. Each exchange is an
// `upstream` span (metrics, traces): its retries, its status, its chunks, to
// the end of its body.

import { ofetch } from 'ofetch'
import { type BodyLimits, bodyTooLarge, DEFAULT_BODY_LIMITS, excerptOf, HttpError, isStream, keepFraming, type Logger, readBody, sleep, type Span, startUpstreamSpan, textOf, upstreamFailed, upstreamTimedOut } from '../../core/plugin/api.ts'
import { decodeStream, decodeWhole, isStreamed } from './decode.ts'
import { describeUrl, type PreparedRequest } from './request.ts'

export async function exchange(request: PreparedRequest, signal: AbortSignal, log: Logger, limits: BodyLimits = DEFAULT_BODY_LIMITS): Promise<unknown> {
  const span = startUpstreamSpan(request.method, request.url)
  const ended = (error: unknown) => span.end(signal.aborted ? 'cancelled' : 'error', error)
  try {
    const value = await exchangeIn(request, signal, log, limits, span, ended)
    // A stream's span ends with it (exchangeIn).
    if (!isStream(value)) span.end('ok')
    return value
  } catch (error) {
    ended(error)
    throw error
  }
}

async function exchangeIn(request: PreparedRequest, signal: AbortSignal, log: Logger, limits: BodyLimits, span: Span, ended: (error: unknown) => void): Promise<unknown> {
  const what = `upstream ${request.method} ${describeUrl(request.url)}`
  let retriesLeft = request.maxRetries

  /** Waits before the next attempt, or says there is none. */
  const retry = async (reason: string, delayMs: number): Promise<boolean> => {
    if (retriesLeft <= 0 || signal.aborted) return false
    retriesLeft--
    span.event('retry')
    log.warn(`${what}: ${reason}; retrying in ${delayMs / 1000}s (${request.maxRetries - retriesLeft}/${request.maxRetries})`)
    await sleep(delayMs, signal)
    return true
  }

  const open = async (): Promise<Response> => {
    const waitForDescriptor = descriptorWait(request.timeoutMs, log)
    for (;;) {
      let response: Response
      try {
        response = await send(request, signal, what)
      } catch (error) {
        if (signal.aborted) throw signal.reason
        if (error instanceof HttpError) throw error
        const cause = causeOf(error)
        if (await waitForDescriptor(cause, signal)) continue
        const reason = `request failed: ${cause}`
        if (await retry(reason, request.retryDelayMs)) continue
        throw upstreamFailed(`${what}: ${reason}`)
      }
      span.set('http.status_code', response.status)
      if (response.ok) return response
      const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`
      const retryable = response.status === 429 || response.status >= 500
      const excerpt = await bodyExcerpt(response, request.timeoutMs, what)
      const detail = excerpt ? `: ${excerpt}` : ''
      const wait = retryAfter(response)
      // A wait longer than the timeout would look like a hang to the client: say why instead.
      if (retryable && retriesLeft > 0 && wait !== undefined && wait > request.timeoutMs) {
        throw upstreamFailed(
          `${what} answered ${status} and asked to retry after ${Math.ceil(wait / 1000)} s, longer than the action's timeout (${request.timeoutMs / 1000} s)${detail}`,
        )
      }
      if (retryable && (await retry(`answered ${status}`, wait ?? request.retryDelayMs))) continue
      throw upstreamFailed(`${what} answered ${status}${detail}`)
    }
  }

  const first = await open()
  const contentType = first.headers.get('content-type') ?? ''
  const body = (response: Response) => readBody(response.body, request.timeoutMs, what)
  const source = { what, limits }
  if (!isStreamed(contentType, request.streamFormat)) {
    if (Number(first.headers.get('content-length')) > limits.maxResponseBytes) {
      first.body?.cancel().catch(() => {})
      throw bodyTooLarge(what, limits.maxResponseBytes)
    }
    return decodeWhole(body(first), contentType, source)
  }

  // Not a generator: this sits on every chunk's path, and a plain iterator adds no await.
  const decode = (response: Response) => decodeStream(body(response), contentType, request.streamFormat, source)
  const decoded = decode(first)
  let inner = decoded[Symbol.asyncIterator]()
  let sent = false
  const recover = async (error: unknown): Promise<IteratorResult<unknown>> => {
    if (signal.aborted) throw signal.reason
    if (error instanceof HttpError) throw error
    const reason = `stream broke: ${causeOf(error)}`
    // Retrying is safe only while nothing has gone downstream yet.
    if (sent || !(await retry(reason, request.retryDelayMs))) throw upstreamFailed(`${what}: ${reason}`)
    inner = decode(await open())[Symbol.asyncIterator]()
    return stream.next()
  }
  const passed = (result: IteratorResult<unknown>) => {
    sent ||= !result.done
    if (result.done) span.end('ok')
    else span.chunk(0)
    return result
  }
  const failed = (error: unknown): never => {
    ended(error)
    throw error
  }
  const stream: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]: () => stream,
    next: () => inner.next().then(passed, (error) => recover(error).catch(failed)),
    return: (value?: unknown) => {
      // Its reader stopped before its end.
      span.end('cancelled')
      return inner.return?.(value) ?? Promise.resolve({ done: true, value })
    },
  }
  return keepFraming(decoded, stream) // whole SSE messages stay marked as such
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

/** When one was last said: with thousands of streams at once, the warning would be thousands of lines. */
let descriptorsWarnedAt = -Infinity

/**
 * For one request: whether a failure was this process running out of file
 * descriptors (EMFILE, ENFILE: no socket was made, so nothing was sent) and
 * it waited for one to free up. It waits, 50 ms doubling up to 1 s, until
 * `timeoutMs` after its first try; a stream ending elsewhere frees two.
 */
function descriptorWait(timeoutMs: number, log: Logger): (cause: string, signal: AbortSignal) => Promise<boolean> {
  const deadline = performance.now() + timeoutMs
  let delayMs = 50
  return async (cause, signal) => {
    if (cause !== 'EMFILE' && cause !== 'ENFILE') return false
    const left = deadline - performance.now()
    if (left <= 0) return false
    if (performance.now() - descriptorsWarnedAt > 10_000) {
      descriptorsWarnedAt = performance.now()
      log.warn(`out of file descriptors (${cause}): upstream requests wait for one to free up; raise the limit (ulimit -n) for more streams at once`)
    }
    await sleep(Math.min(delayMs, left), signal)
    delayMs = Math.min(delayMs * 2, 1000)
    return true
  }
}

/** Retry-After as milliseconds (seconds or an HTTP date). */
function retryAfter(response: Response): number | undefined {
  const value = response.headers.get('retry-after')
  if (!value) return undefined
  const seconds = Number(value)
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now()
  return Number.isFinite(ms) ? Math.max(ms, 0) : undefined
}

/** The start of an error answer's body; only that much is read, however large the body. */
async function bodyExcerpt(response: Response, idleMs: number, what: string): Promise<string> {
  let text = ''
  try {
    for await (const piece of textOf(readBody(response.body, idleMs, what))) {
      text += piece
      if (text.length > 1000) break
    }
  } catch {
    // the excerpt is a courtesy: a body that breaks off leaves what came
  }
  return excerptOf(text)
}

function causeOf(error: unknown): string {
  let e = error as { cause?: unknown; message?: string; code?: string } | undefined
  while (e?.cause) e = e.cause as typeof e
  return e?.code ?? e?.message ?? String(error)
}
