// The MCP server's bounds, from the environment (core/README.md, "MCP: workflows as tools"): how
// many Streamable HTTP sessions live at once, how long a quiet one lives, how
// many tool calls one session runs at once, and how much of an answer a client
// may leave unread. Runs themselves are bounded
// as the HTTP API's are (MC_MAX_RUNS, max_concurrent_count: shared-runs.ts).

import { bytesSetting, countSetting, secondsSetting } from '../settings.ts'

export interface McpSettings {
  /** Sessions at once: past it, a new client is answered 503 until one ends or idles out. */
  maxSessions: number
  /** Seconds a session with no request and no call in progress lives. */
  sessionIdleSeconds: number
  /** Tool calls one session has in progress at once: past it, a call is answered as a busy tool error. */
  callsPerSession: number
  /** Bytes of a streamed answer (progress notifications) a client may leave unread: past it, its calls are cancelled. */
  unreadBytes: number
}

export function mcpSettingsOf(env: Readonly<Record<string, string | undefined>>): McpSettings {
  return {
    maxSessions: countSetting(env, 'MC_MCP_MAX_SESSIONS', 64),
    sessionIdleSeconds: secondsSetting(env, 'MC_MCP_SESSION_IDLE_SECONDS', 600),
    callsPerSession: countSetting(env, 'MC_MCP_CALLS_PER_SESSION', 16),
    unreadBytes: bytesSetting(env, 'MC_MCP_UNREAD_BYTES', 8 * 1024 * 1024),
  }
}
