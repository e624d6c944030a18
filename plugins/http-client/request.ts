// An http-client action, rendered for one run → the request to send.

import { toMilliseconds } from '../../core/compose/duration.ts'
import { toText } from '../../core/binding/convert.ts'
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

/** The URL without its query, for messages (a query may carry keys). */
export function describeUrl(url: string): string {
  return url.split('?')[0]!
}
