// Fetching one page as model-compose's scraper does (aiohttp GET): the
// component's headers and cookies under the action's, the whole exchange
// within `timeout`, a status of 400 or more failing the run. mc also bounds
// the body it reads whole (MC_MAX_RESPONSE_BYTES) and keeps credentials out
// of logs and answers.

import { describeBytes, excerptOf, invalidInput, isCredentialName, raisedBytes, readBody, registerSecret, toText, upstreamFailed, upstreamTimedOut } from '../../core/plugin/api.ts'

export interface PageRequest {
  headers: Record<string, string>
  cookies: Record<string, string>
  timeoutMs: number
  maxBytes: number
}

/** Header and cookie values as text (null and undefined left out); credentials registered as secrets. */
export function textsOf(values: Record<string, unknown> | undefined, secret: (name: string) => boolean): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(values ?? {})) {
    if (value === null || value === undefined) continue
    out[name] = toText(value)
    if (secret(name)) {
      registerSecret(out[name])
      registerSecret(out[name].replace(/^\w+\s+/, '')) // the token of "Bearer <token>"
    }
  }
  return out
}

/** Cookies are sessions and tokens more often than not: all of them stay out of logs. */
export const cookieIsSecret = () => true
export const headerIsSecret = (name: string) => isCredentialName(name) || name.toLowerCase() === 'cookie'

export async function fetchPage(url: string, request: PageRequest, signal: AbortSignal): Promise<string> {
  // Bun's fetch also reads file: and data: URLs; a page comes over HTTP only, as with model-compose's aiohttp.
  if (!/^https?:\/\//i.test(url)) throw invalidInput(`url: expected an http:// or https:// URL, got ${JSON.stringify(describeUrl(url))}`)
  const what = `page GET ${describeUrl(url)}`
  const timedOut = upstreamTimedOut(`${what} did not answer within ${request.timeoutMs / 1000}s`)
  const timer = new AbortController()
  const clock = setTimeout(() => timer.abort(timedOut), request.timeoutMs)
  const headers = new Headers(request.headers)
  const cookie = Object.entries(request.cookies).map(([name, value]) => `${name}=${value}`).join('; ')
  if (cookie) headers.set('cookie', [headers.get('cookie'), cookie].filter(Boolean).join('; '))
  try {
    let response: Response
    try {
      response = await fetch(url, { headers, signal: AbortSignal.any([signal, timer.signal]), redirect: 'follow' })
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (timer.signal.aborted) throw timedOut
      throw upstreamFailed(`${what}: request failed: ${causeOf(error)}`)
    }
    if (response.status >= 400) {
      const excerpt = excerptOf(await response.text().catch(() => ''))
      throw upstreamFailed(`${what} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`)
    }
    const tooLarge = () =>
      upstreamFailed(
        `${what} answered with a body larger than ${describeBytes(request.maxBytes)}, the most mc reads whole (MC_MAX_RESPONSE_BYTES); raise it, e.g. -e MC_MAX_RESPONSE_BYTES=${raisedBytes(request.maxBytes)}`,
      )
    if (Number(response.headers.get('content-length')) > request.maxBytes) {
      response.body?.cancel().catch(() => {})
      throw tooLarge()
    }
    const chunks: Uint8Array[] = []
    let size = 0
    const body = readBody(response.body, request.timeoutMs, what)
    try {
      for await (const chunk of body) {
        size += chunk.byteLength
        if (size > request.maxBytes) {
          await body.return?.()
          throw tooLarge()
        }
        chunks.push(chunk)
      }
    } catch (error) {
      if (timer.signal.aborted) throw timedOut
      if (signal.aborted) throw signal.reason
      throw error
    }
    return decode(Buffer.concat(chunks), response.headers.get('content-type') ?? '')
  } finally {
    clearTimeout(clock)
  }
}

/** The body as text, in the charset its Content-Type names (UTF-8 when none, or one this runtime lacks). */
function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1]
  try {
    return new TextDecoder((charset ?? 'utf-8') as 'utf-8').decode(bytes)
  } catch {
    return new TextDecoder('utf-8').decode(bytes)
  }
}

function causeOf(error: unknown): string {
  let e = error as { cause?: unknown; message?: string; code?: string } | undefined
  while (e?.cause) e = e.cause as typeof e
  return e?.code ?? e?.message ?? String(error)
}

/** The URL without its query, for messages (a query may carry keys). */
function describeUrl(url: string): string {
  return url.split('?')[0]!
}
