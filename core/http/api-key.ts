// The optional API key (MC_API_KEY) of the controller and the Web UI. Clients
// send `Authorization: Bearer <key>`; the Web UI also takes HTTP Basic with the
// key as password, so a browser asks for it once and sends it on every request.
// Keys are compared in constant time (through their digests).

import { createHash, timingSafeEqual } from 'node:crypto'
import { jsonResponse } from './json-response.ts'

const digest = (text: string) => createHash('sha256').update(text).digest()

/** A check that answers 401 to a request without the key, or undefined when it may pass. */
export function apiKeyCheck(key: string, scheme: 'Bearer' | 'Basic'): (request: Request) => Response | undefined {
  const expected = digest(key)
  const matches = (given: string) => timingSafeEqual(digest(given), expected)
  return (request) => {
    const header = request.headers.get('authorization') ?? ''
    const [kind, value = ''] = header.split(/\s+/, 2)
    if (kind?.toLowerCase() === 'bearer' && matches(value)) return undefined
    if (scheme === 'Basic' && kind?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8')
      if (matches(decoded.slice(decoded.indexOf(':') + 1))) return undefined
    }
    const detail = header ? 'wrong API key' : `missing API key: send "Authorization: Bearer <key>" (the value of MC_API_KEY)`
    return jsonResponse({ detail }, 401, { 'www-authenticate': scheme === 'Basic' ? 'Basic realm="mc web UI", charset="UTF-8"' : 'Bearer realm="mc"' })
  }
}
