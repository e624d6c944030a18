// The keys of a `web-browser` component (model-compose 0.4.92). On the
// component: `driver` (`chrome`, the default, attaches to a running Chrome's
// debugger; `playwright` launches Chromium or attaches by `cdp_url`), their
// connection and launch keys, and `timeout` for every action. On an action:
// `method` and its keys. mc adds two component keys of its own:
// `executable_path` (which Chromium to launch) and `allow_file_urls`.

import { Duration, Type, type Static } from '../../core/plugin/api.ts'

const Flag = Type.Boolean({ errorMessage: 'expected true or false' })
const Whole = Type.Union([Type.Integer(), Type.String()], { errorMessage: 'expected a whole number' })
const Target = Type.Union([Type.String(), Type.Null()])
const Expressions = Type.Union([Type.String(), Type.Array(Type.String()), Type.Record(Type.String(), Type.String()), Type.Null()], {
  errorMessage: 'expected an expression, a list of them, or a map of names to them',
})

const DebuggerSchema = Type.Object(
  {
    url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    host: Type.Optional(Type.String()),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port, 1 to 65535' })),
    protocol: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('https')], { errorMessage: 'expected http or https' })),
  },
  { additionalProperties: false },
)

export const BrowserSettingsSchema = Type.Object({
  driver: Type.Optional(Type.String()),
  timeout: Type.Optional(Duration),
  // driver: chrome
  debugger: Type.Optional(DebuggerSchema),
  host: Type.Optional(Type.String()),
  port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'expected a port, 1 to 65535' })),
  endpoint: Type.Optional(Type.Unknown()),
  target_index: Type.Optional(Type.Unknown()),
  // driver: playwright
  browser: Type.Optional(Type.String()),
  channel: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  headless: Type.Optional(Flag),
  args: Type.Optional(Type.Array(Type.String(), { errorMessage: 'expected a list of command-line arguments' })),
  persistent_dir: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  cdp_url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  // mc's own
  executable_path: Type.Optional(Type.String()),
  allow_file_urls: Type.Optional(Flag),
})

export type BrowserSettings = Static<typeof BrowserSettingsSchema>

export const BrowserActionSchema = Type.Object({
  method: Type.Optional(Type.String()),
  session_id: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  timeout: Type.Optional(Type.Union([Duration, Type.Null()])),
  url: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  wait_until: Type.Optional(Type.String()),
  selector: Type.Optional(Expressions),
  xpath: Type.Optional(Expressions),
  condition: Type.Optional(Type.String()),
  extract_mode: Type.Optional(Type.String()),
  attribute: Type.Optional(Target),
  multiple: Type.Optional(Type.Union([Flag, Type.String()])),
  full_page: Type.Optional(Type.Union([Flag, Type.String()])),
  format: Type.Optional(Type.String()),
  quality: Type.Optional(Type.Union([Whole, Type.Null()])),
  x: Type.Optional(Type.Union([Whole, Type.Null()])),
  y: Type.Optional(Type.Union([Whole, Type.Null()])),
  text: Type.Optional(Type.Unknown()),
  clear_first: Type.Optional(Type.Union([Flag, Type.String()])),
  expression: Type.Optional(Type.String()),
  urls: Type.Optional(Type.Union([Type.Array(Type.String()), Type.String(), Type.Null()])),
  cookies: Type.Optional(Type.Unknown()),
  // capture-video: read only to be refused by name
  include_video_track: Type.Optional(Type.Unknown()),
  include_audio_track: Type.Optional(Type.Unknown()),
  encoding: Type.Optional(Type.Unknown()),
  duration: Type.Optional(Type.Unknown()),
})

export type BrowserAction = Static<typeof BrowserActionSchema>

/** The methods mc runs; model-compose's `capture-video` is refused by name. */
export const METHODS = ['navigate', 'wait-for', 'extract', 'screenshot', 'click', 'input-text', 'scroll', 'evaluate', 'get-cookies', 'set-cookies'] as const
export type Method = (typeof METHODS)[number]

export const WAIT_UNTIL = ['load', 'domcontentloaded', 'networkidle', 'commit'] as const
export const CONDITIONS = ['present', 'visible', 'hidden'] as const
export const EXTRACT_MODES = ['text', 'html', 'attribute'] as const
export const IMAGE_FORMATS = ['png', 'jpeg'] as const

export const DEFAULT_TIMEOUT_SECONDS = 30
