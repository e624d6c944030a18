// The fetch an MCP session's transport uses: it adds the headers of the tool
// call being sent (the SDK has one set of headers per connection; a call's own
// travel in an AsyncLocalStorage) and caps each response body at
// MC_MAX_RESPONSE_BYTES, failing the call that reads it — the SDK itself reads
// any size.

import { AsyncLocalStorage } from 'node:async_hooks'
import { type BodyLimits, describeBytes, raisedBytes, upstreamFailed } from '../../core/plugin/api.ts'

/** The tool call a request belongs to: its extra headers, and how to fail it. */
export interface CallScope {
  headers: Record<string, string>
  fail(error: Error): void
}

export const currentCall = new AsyncLocalStorage<CallScope>()

export function boundedFetch(limits: BodyLimits, what: string): (url: string | URL, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const call = currentCall.getStore()
    const headers = new Headers(init?.headers)
    for (const [name, value] of Object.entries(call?.headers ?? {})) headers.set(name, value)
    const response = await fetch(url, { ...init, headers })
    if (!response.body) return response
    let seen = 0
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength
          if (seen <= limits.maxResponseBytes) return controller.enqueue(chunk)
          const error = upstreamFailed(
            `${what} answered with more than ${describeBytes(limits.maxResponseBytes)}, the most mc reads of one answer (MC_MAX_RESPONSE_BYTES); if that is expected, raise it, e.g. -e MC_MAX_RESPONSE_BYTES=${raisedBytes(limits.maxResponseBytes)}`,
          )
          call?.fail(error)
          controller.error(error)
        },
      }),
    )
    return new Response(counted, { status: response.status, statusText: response.statusText, headers: response.headers })
  }
}
