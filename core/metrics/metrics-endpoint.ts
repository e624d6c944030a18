// `GET {base_path}/metrics` on the controller's port, on unless MC_METRICS is
// `off`: the Prometheus text of a SpanMetrics observing this process's spans.
// It takes the API's keys as every route does; with MC_METRICS_KEY, that key
// alone (a scraper then holds no key that can run workflows).

import { createHash, timingSafeEqual } from 'node:crypto'
import { jsonResponse } from '../http/json-response.ts'
import { registerSecret } from '../secrets.ts'
import { addObserver } from '../observe/observers.ts'
import type { Runtime } from '../runtime/runtime.ts'
import { SpanMetrics } from './span-metrics.ts'

export interface MetricsEndpoint {
  /** With MC_METRICS_KEY: the check of that key (401 without it), in place of the API's. */
  readonly checkKey: ((request: Request) => Response | undefined) | undefined
  answer(): Promise<Response>
  /** Stops observing. */
  close(): void
}

/** The endpoint, or undefined when MC_METRICS turns it off (a bad value throws naming the variable). */
export function metricsEndpointOf(runtime: Runtime, env: Readonly<Record<string, string | undefined>>): MetricsEndpoint | undefined {
  if (!metricsOn(env.MC_METRICS)) return undefined
  const key = env.MC_METRICS_KEY?.trim()
  const queue = runtime.queue
  const observer = new SpanMetrics({
    knownWorkflow: (id) => runtime.findWorkflow(id) !== undefined || queueServes(runtime, id),
    knownComponent: (id) => runtime.components.has(id),
    ...(queue ? { queueDepth: () => queue.depths() } : {}),
  })
  const remove = addObserver(observer)
  return {
    checkKey: key ? bearerCheck(key) : undefined,
    async answer() {
      const { text, contentType } = await observer.metrics.exposition()
      return new Response(text, { headers: { 'content-type': contentType } })
    },
    close: remove,
  }
}

/** 401 unless the request sends `Authorization: Bearer <key>` (compared in constant time, through digests). */
function bearerCheck(key: string): (request: Request) => Response | undefined {
  registerSecret(key)
  const expected = digest(key)
  return (request) => {
    const [scheme = '', given = ''] = (request.headers.get('authorization') ?? '').split(/\s+/, 2)
    if (scheme.toLowerCase() === 'bearer' && timingSafeEqual(digest(given), expected)) return undefined
    return jsonResponse({ detail: 'metrics need MC_METRICS_KEY: send "Authorization: Bearer <key>"' }, 401, { 'www-authenticate': 'Bearer realm="mc metrics"' })
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest()

function metricsOn(value: string | undefined): boolean {
  const text = value?.trim().toLowerCase() ?? ''
  if (['', 'on', 'true', '1'].includes(text)) return true
  if (['off', 'false', '0'].includes(text)) return false
  throw new Error(`MC_METRICS: expected on or off, got ${JSON.stringify(value)}`)
}

/** A queue worker's workflow (never throws: a scrape must not fail on Redis). */
function queueServes(runtime: Runtime, id: string): boolean {
  try {
    return runtime.queue?.serves(id) ?? false
  } catch {
    return false
  }
}
