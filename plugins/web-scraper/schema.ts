// The keys of a `web-scraper` component (model-compose 0.4.92): on the
// component, `headers`, `cookies` and `timeout` for every action; on an action,
// the page (`url`, one or a list), what to select (`selector` or `xpath`: one
// expression, a list or a map of them) and what to take (`extract_mode`,
// `attribute`, `multiple`). The browser keys (`enable_javascript`, `wait_for`,
// `wait_until`, `submit`) and `rate_limit` are read only to be refused by name.

import { Type, type Static } from '@sinclair/typebox'
import { Duration } from '../../core/plugin/api.ts'

const Expressions = Type.Union([Type.String(), Type.Array(Type.String()), Type.Record(Type.String(), Type.String())], {
  errorMessage: 'expected an expression, a list of them, or a map of names to them',
})
const Texts = Type.Record(Type.String(), Type.Unknown())

export const ScraperSettingsSchema = Type.Object({
  headers: Type.Optional(Texts),
  cookies: Type.Optional(Texts),
  timeout: Type.Optional(Duration),
  rate_limit: Type.Optional(Type.Unknown()),
})

export type ScraperSettings = Static<typeof ScraperSettingsSchema>

export const ScraperActionSchema = Type.Object({
  url: Type.Optional(Type.Union([Type.String(), Type.Array(Type.Unknown()), Type.Null()], { errorMessage: 'expected a URL or a list of URLs' })),
  batch_size: Type.Optional(Type.Integer({ minimum: 1, errorMessage: 'expected a whole number above 0' })),
  headers: Type.Optional(Texts),
  cookies: Type.Optional(Texts),
  selector: Type.Optional(Type.Union([Expressions, Type.Null()])),
  xpath: Type.Optional(Type.Union([Expressions, Type.Null()])),
  extract_mode: Type.Optional(Type.String()),
  attribute: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  multiple: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  enable_javascript: Type.Optional(Type.Boolean({ errorMessage: 'expected true or false' })),
  wait_until: Type.Optional(Type.String()),
  wait_for: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  timeout: Type.Optional(Duration),
  submit: Type.Optional(Type.Unknown()),
})

export type ScraperAction = Static<typeof ScraperActionSchema>

export const EXTRACT_MODES = ['text', 'html', 'attribute'] as const

export const DEFAULT_TIMEOUT_SECONDS = 60
