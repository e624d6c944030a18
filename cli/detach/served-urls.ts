// Every URL a running `mc up` answers at, as a client on this machine reaches
// them: what `mc up -d`, `mc ps` and a second `mc up -d` print.

import type { ComposeModel } from '../../core/model/compose-model.ts'

export interface ServedUrl {
  /** What answers there: "API", "Web UI", ... */
  what: string
  url: string
}

export interface Listening {
  /** The HTTP API, base path included. */
  api?: string
  webui?: string
  /** The MCP server's URL (absent on stdio). */
  mcp?: string
}

export function servedUrls(model: ComposeModel, listening: Listening): ServedUrl[] {
  const { controller, env } = model
  const urls: ServedUrl[] = []
  if (listening.api) {
    const origin = new URL(listening.api).origin
    urls.push({ what: 'API', url: listening.api })
    if (controller.openai !== false) urls.push({ what: 'OpenAI-compatible', url: `${origin}/v1` })
    if (controller.websocket) urls.push({ what: 'WebSocket', url: `${listening.api.replace(/^http/, 'ws')}${controller.websocket.path}` })
    // As core/metrics/metrics-endpoint.ts reads MC_METRICS: on unless off.
    if (!['off', 'false', '0'].includes(env.MC_METRICS?.trim().toLowerCase() ?? '')) urls.push({ what: 'metrics', url: `${listening.api}/metrics` })
  }
  if (listening.webui) urls.push({ what: 'Web UI', url: listening.webui })
  if (listening.mcp) urls.push({ what: 'MCP', url: listening.mcp })
  return urls
}

/** One indented line per URL, the names aligned. */
export function describeUrls(urls: readonly ServedUrl[]): string {
  const width = Math.max(0, ...urls.map((u) => u.what.length))
  return urls.map((u) => `  ${u.what.padEnd(width)}  ${u.url}\n`).join('')
}
