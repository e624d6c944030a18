// The Web UI's own limits on Gradio sessions, from the environment (see README,
// "Settings"): how many may be open, how many runs one may have going, how much
// of its messages may wait for its reader, and how long it lives unread.

import { bytesSetting, countSetting, secondsSetting } from '../settings.ts'

export interface WebUiSettings {
  /** Sessions open at once; a join that would open one more answers 503. */
  maxSessions: number
  /** Runs going at once in one session; one more answers 503. */
  sessionRuns: number
  /** Bytes of messages waiting for a session's reader; past them its runs pause. */
  sessionBytes: number
  /** Seconds a session may go unread (no reader, or one that takes nothing) before it expires. */
  sessionTimeoutSeconds: number
}

export function webUiSettingsOf(env: Readonly<Record<string, string | undefined>>): WebUiSettings {
  return {
    maxSessions: countSetting(env, 'MC_WEBUI_MAX_SESSIONS', 128),
    sessionRuns: countSetting(env, 'MC_WEBUI_SESSION_RUNS', 16),
    sessionBytes: bytesSetting(env, 'MC_WEBUI_SESSION_BYTES', 256 * 1024),
    sessionTimeoutSeconds: secondsSetting(env, 'MC_WEBUI_SESSION_TIMEOUT_SECONDS', 60),
  }
}

