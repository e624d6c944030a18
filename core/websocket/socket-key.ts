// MC_API_KEY on a WebSocket. A program sends `Authorization: Bearer <key>` as
// on any route; a browser cannot set headers on a WebSocket, so it offers the
// key as a subprotocol beside mc's own: `new WebSocket(url, ['mc', 'mc-key.' + key])`.
// mc answers with `mc` (never echoing the key). The key is not accepted in the
// URL: query strings end up in proxies' access logs.

/** The subprotocol mc answers when a client offers it. */
export const SUBPROTOCOL = 'mc'
const KEY_PREFIX = 'mc-key.'

export function offeredProtocols(request: Request): string[] {
  const header = request.headers.get('sec-websocket-protocol')
  return header ? header.split(',').map((p) => p.trim()) : []
}

/**
 * A WebSocket upgrade carrying the key as a subprotocol gets it as
 * `Authorization: Bearer` too (Bun's request headers can be set), for the
 * controller's key check — which then knows the request's caller as for any
 * other. Returns the request.
 */
export function withSocketKey(request: Request): Request {
  if (request.headers.has('authorization') || request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return request
  const key = offeredProtocols(request).find((p) => p.startsWith(KEY_PREFIX))?.slice(KEY_PREFIX.length)
  if (key !== undefined) request.headers.set('authorization', `Bearer ${key}`)
  return request
}
