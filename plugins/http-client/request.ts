// An http-client action, rendered for one run → the request to send.

import { isCredentialName, registerSecret, toMilliseconds, toText } from '../../core/plugin/api.ts'
import { DEFAULT_TIMEOUT_SECONDS, type HttpAction } from './schema.ts'

export interface PreparedRequest {
  url: string
  method: string
  headers: Record<string, string>
  query: Record<string, string>
  body?: unknown
  streamFormat?: 'json' | 'text'
  timeoutMs: number
  maxRetries: number
  retryDelayMs: number
}

export function prepareRequest(action: HttpAction): PreparedRequest {
  const url = action.endpoint ?? joinUrl(action.base_url ?? '', action.path ?? '')
  if (!url) throw new Error('http-client needs "endpoint", or "base_url" (and "path")')
  const headers: Record<string, string> = { accept: '*/*' }
  for (const [name, value] of Object.entries(action.headers ?? {})) {
    if (value !== null && value !== undefined) headers[name.toLowerCase()] = toText(value)
  }
  const query: Record<string, string> = {}
  for (const [name, value] of Object.entries(action.params ?? {})) {
    if (value !== null && value !== undefined) query[name] = toText(value)
  }
  registerCredentials(url, headers, query)
  const hasBody = action.body !== undefined && action.body !== null
  return {
    url,
    method: (action.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase(),
    headers,
    query,
    ...(hasBody ? { body: action.body } : {}),
    ...(action.stream_format ? { streamFormat: action.stream_format } : {}),
    timeoutMs: toMilliseconds(action.timeout ?? DEFAULT_TIMEOUT_SECONDS),
    maxRetries: action.max_retries ?? 0,
    retryDelayMs: toMilliseconds(action.retry_delay ?? 1),
  }
}

function joinUrl(base: string, path: string): string {
  if (!base) return path
  if (!path) return base
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`
}

/** The credentials a request carries never reach a log line or an answer: URL userinfo, credential headers and parameters. */
function registerCredentials(url: string, headers: Record<string, string>, query: Record<string, string>): void {
  try {
    const parsed = new URL(url)
    registerSecret(decodeURIComponent(parsed.password))
    if (parsed.password) registerSecret(decodeURIComponent(parsed.username))
    for (const [name, value] of parsed.searchParams) if (isCredentialName(name)) registerSecret(value)
  } catch {
    // not a URL yet: the request will fail and say so
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!isCredentialName(name)) continue
    registerSecret(value)
    registerSecret(value.replace(/^\w+\s+/, '')) // the token of "Bearer <token>"
  }
  for (const [name, value] of Object.entries(query)) if (isCredentialName(name)) registerSecret(value)
}

/** The URL without its query, for messages (a query may carry keys). */
export function describeUrl(url: string): string {
  return url.split('?')[0]!
}
