// The API keys (api-keys.ts) of every entry point: the controller's HTTP API,
// the MCP server, the Web UI, and whatever else mc serves. Clients send
// `Authorization: Bearer <key>`; the Web UI also takes HTTP Basic with the key
// as password, so a browser asks for it once and sends it on every request.
// A request that passes knows its key's holder (callerOf): its name goes to
// logs, metrics and traces; its limits hold its runs (KeyLimiter.takeRun).

import type { Logger } from '../log.ts'
import type { ApiKeys, KeyHolder } from './api-keys.ts'
import { errorResponse } from './error-response.ts'
import { jsonResponse } from './json-response.ts'
import { tooManyRequests } from './key-limits.ts'

export interface KeyCheckOptions {
  /** `Basic` also takes the key as an HTTP Basic password (the Web UI's browsers). */
  scheme: 'Bearer' | 'Basic'
  /** Whether the request counts against its key's requests per minute (the Web UI's do not: its calls to the controller do). */
  countRequests: boolean
  log: Logger
}

const callers = new WeakMap<Request, KeyHolder>()

/** The holder of the key a request came with, once a check passed it. */
export function callerOf(request: Request): KeyHolder | undefined {
  return callers.get(request)
}

/**
 * A check that answers 401 to a request without a known key and 429 (with
 * Retry-After) to one past its key's requests per minute, or undefined when
 * it may pass. Without keys (none configured), undefined: everything passes.
 */
export function apiKeyCheck(keys: ApiKeys | undefined, { scheme, countRequests, log }: KeyCheckOptions): ((request: Request) => Response | undefined) | undefined {
  if (!keys) return undefined
  // The keys a refusal was logged for, until they pass again: one line per burst, not one per request.
  const refused = new Set<string>()
  return (request) => {
    const holder = holderOf(keys, request, scheme)
    if (!holder) {
      const header = request.headers.get('authorization')
      const detail = header ? 'wrong API key' : `missing API key: send "Authorization: Bearer <key>" (${keys.source})`
      return jsonResponse({ detail }, 401, { 'www-authenticate': scheme === 'Basic' ? 'Basic realm="mc web UI", charset="UTF-8"' : 'Bearer realm="mc"' })
    }
    const waitSeconds = countRequests ? holder.limiter.takeRequest() : undefined
    if (waitSeconds !== undefined) {
      const perMinute = holder.limiter.limits.requestsPerMinute
      if (!refused.has(holder.name)) log.warn(`API key "${holder.name}" is past its ${perMinute} requests per minute: answering 429`)
      refused.add(holder.name)
      return errorResponse(tooManyRequests(`API key "${holder.name}" is past its limit of ${perMinute} requests per minute; try again in ${waitSeconds} s`, waitSeconds))
    }
    refused.delete(holder.name)
    callers.set(request, holder)
    return undefined
  }
}

function holderOf(keys: ApiKeys, request: Request, scheme: KeyCheckOptions['scheme']): KeyHolder | undefined {
  const [kind = '', value = ''] = (request.headers.get('authorization') ?? '').split(/\s+/, 2)
  if (kind.toLowerCase() === 'bearer') return keys.identify(value)
  if (scheme === 'Basic' && kind.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    return keys.identify(decoded.slice(decoded.indexOf(':') + 1))
  }
  return undefined
}
