// The component plugin API: what a plugin may use of mc, and all of it. A
// component type is a plain object: a name, the TypeBox schemas of its
// configuration, and a `create` hook returning an instance that runs actions
// (component-plugin.ts). Built-in plugins (plugins/) import mc through this
// module only; third-party ones import it as `mc/plugin` and default-export
// such an object (or a list of them), named under `plugins:` in the compose file.
//
// The running mc hands disk plugins this very module (cli/invocation/host-modules.ts), so
// classes such as ConfigurationError are the host's own and a plugin never
// bundles a copy. Below, one export a line, grouped by topic.

// The plugin contract
/** A component type: its name, schemas, load-time checks and `create` hook. */
export { type ComponentPlugin } from '../model/component-plugin.ts'
/** What `create` is given: the component's id, log, env, base folder, and ways to run other workflows and components, and workflows as tools. */
export { type ComponentContext } from '../model/component-plugin.ts'
/** One component as `create` makes it: prepare, start, run, stop. */
export { type ComponentInstance } from '../model/component-plugin.ts'
/** What each run is given: its cancellation signal, log and input. */
export { type RunContext } from '../model/component-plugin.ts'
/** The values a run gives back, by binding key; a value may be a stream. */
export { type RunResult } from '../model/component-plugin.ts'
/** What a plugin module may export by default: one plugin or a list of them. */
export { type PluginModule } from '../model/component-plugin.ts'
/** A component or workflow of the same file that a component's keys name (settingReferences, actionReferences): checked at load. */
export { type Reference } from '../model/component-plugin.ts'
/** Returns the plugin unchanged, its settings and action types checked. */
export { defineComponentPlugin } from '../model/component-plugin.ts'

// Tools: workflows a model may call (ComponentContext.workflowTool)
/** model-compose's canonical tool schema, {name, description, parameters}. */
export { type ToolSchema, type ToolProperty } from '../model/tool-schema.ts'
/** A tool's schema and a run of it. */
export { type CallableTool } from '../model/tool-schema.ts'

// Templates a plugin renders itself (keys mc leaves as written, e.g. an agent's `model.input`)
/** Compiles a template once (`roots`: the keys its bindings may read); a bad one throws a TemplateError. */
export { compileTemplate, type Template } from '../binding/template.ts'
/** Whether a value as written holds a `${...}` binding (then it is known only once rendered). */
export { isTemplate } from '../binding/template.ts'
/** A template's syntax or binding error, with the key path where it stands. */
export { TemplateError } from '../binding/template.ts'

// Schemas
/** TypeBox, for a plugin's `settings` and `action` schemas (the host's own copy). */
export { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox'

// Errors
/** A problem with one key of a component's configuration, found at load (a thrown one names the key's line). */
export { ConfigurationError } from '../model/component-plugin.ts'
/** An error answered with its HTTP status; anything else thrown by a run answers 500. */
export { HttpError } from '../errors.ts'
/** 400: the request itself is wrong. */
export { badRequest } from '../errors.ts'
/** 422: the run's input (or what a template rendered from it) is wrong. */
export { invalidInput } from '../errors.ts'
/** 502: the upstream failed or answered something unusable. */
export { upstreamFailed } from '../errors.ts'
/** 504: the upstream did not answer in time. */
export { upstreamTimedOut } from '../errors.ts'
/** The one-line message for something model-compose has and mc (or the plugin) does not. */
export { notInMc } from '../errors.ts'
/** A key path as messages write it: `['params', 'stop', 0]` → "params.stop[0]". */
export { formatKeyPath } from '../errors.ts'

// Secrets
/** Marks a value (a key, a token) that must never appear in a log line or an answer. */
export { registerSecret } from '../secrets.ts'
/** A text with every registered secret masked, for what leaves mc (an error shown to a model, ...). */
export { redact } from '../secrets.ts'
/** Whether a header, parameter or variable name holds a credential (Authorization, api_key, ...). */
export { isCredentialName } from '../secrets.ts'
/** A URL as messages may show it: its password masked. */
export { describeUrl } from '../secrets.ts'

// Logging
/** The log a component is given: info, warn, error, debug (with --verbose), child; secrets masked. */
export { type Logger } from '../log.ts'

// Settings read from the environment (`-e`, --env-file, the process); a bad value throws naming the variable
/** A size such as 8388608, 512KiB, 8MiB or 1GiB. */
export { bytesSetting } from '../settings.ts'
/** A number of seconds above 0 (or 0 itself, with allowZero), at most max. */
export { secondsSetting } from '../settings.ts'
/** A whole number above 0, such as a count of runs. */
export { countSetting } from '../settings.ts'
/** A size for a message: "8 MiB" for whole units, else "1000000 bytes". */
export { describeBytes } from '../settings.ts'
/** A bytes setting four times as large ("32MiB"), for "raise it" hints. */
export { raisedBytes } from '../settings.ts'

// Durations and waiting
/** The TypeBox schema of a duration as compose files write it: seconds as a number, or "500ms", "30s", "1m30s"... */
export { Duration } from '../model/duration.ts'
/** Milliseconds of a value checked against Duration. */
export { toMilliseconds } from '../model/duration.ts'

/** Resolves after a number of milliseconds; rejects with the signal's reason as soon as it aborts. */
export { sleep } from '../sleep.ts'

// Streams: a run result value may be an AsyncIterable of chunks
/** An AsyncIterable of chunks. */
export { type Stream } from '../stream/stream.ts'
/** Whether a value is a stream (strings, byte arrays and lists are not). */
export { isStream } from '../stream/stream.ts'
/** Marks a stream whose chunks are whole messages (SSE events), not pieces of one text. */
export { markMessages } from '../stream/framing.ts'
/** Gives a stream derived from another (a hand-written iterator over it) the other's framing. */
export { keepFraming } from '../stream/framing.ts'
/** How a stream's chunks are read: `pieces` of one text, or whole `messages`; operators carry their source's. */
export { type Framing } from '../stream/framing.ts'
/** Maps each chunk; chunks mapping to null or undefined are dropped. */
export { mapDefined } from '../stream/map-defined.ts'
/** Calls a function once when a stream ends: with the error when it failed. */
export { onSettled } from '../stream/on-settled.ts'
/** Reads a whole stream into one value: text concatenated, other chunks listed. */
export { drain } from '../stream/drain.ts'
/** A stream a callback producer pushes chunks into and a consumer pulls from; told when the consumer stops. */
export { pushStream, type PushStream } from '../stream/push-stream.ts'
/** A byte stream read whole, failing with the given error past a size cap. */
export { collectBytes } from '../stream/collect-bytes.ts'
/** A byte stream decoded as UTF-8 text, chunk by chunk. */
export { textOf } from '../stream/text-of.ts'
/** The most bytes one chunk read from a byte stream (a line, an event) may take, and the error past it. */
export { type ChunkLimit } from '../stream/chunk-limit.ts'
/** A byte stream split into lines (without their line ends), each capped in size when given a ChunkLimit. */
export { linesOf } from '../stream/lines-of.ts'
/** A byte stream read as server-sent events, each turned into a chunk by a function (SKIP drops one). */
export { sseEventsOf, SKIP, type SseReadOptions } from '../stream/sse-events-of.ts'

// Rendered action values (their templates filled in), read; a bad one throws a 422 naming the key
/** A flag (true/false or text saying so, `fallback` when unset) and a whole number (`minimum` or more). */
export { flagOf, wholeNumberOf } from './rendered-values.ts'
/** One of a few words (a driver, a method): at load (a ConfigurationError at its key) and as rendered (a 422). */
export { checkChoice, choiceOf } from './choices.ts'

// Text
/** A value as text: strings as they are, bytes decoded, objects as JSON, null as "". */
export { toText } from '../binding/convert.ts'
/** Python's str.strip(), for results that match model-compose's. */
export { pythonStrip } from '../python-text.ts'
/** Python's str(): None, True, repr() of lists and mappings, for results that match model-compose's. */
export { pythonStr } from '../python-text.ts'
/** Python's json.dumps (its `, ` and `: ` separators), non-ASCII kept. */
export { pythonJson } from '../python-text.ts'
/** Python's len(): a count of code points (an emoji is one). */
export { codePoints } from '../python-text.ts'
/** The media type of a Content-Type header, lower-cased, without parameters ('' when none). */
export { mediaType } from '../http/media-type.ts'

// Upstream bodies: what a component reads from a server, bounded (MC_MAX_CHUNK_BYTES, MC_MAX_RESPONSE_BYTES)
/** How much of an upstream body mc holds: one streamed chunk, and a body read whole. */
export { type BodyLimits } from '../http/upstream-body.ts'
/** The defaults of BodyLimits (8 MiB a chunk, 256 MiB a whole body). */
export { DEFAULT_BODY_LIMITS } from '../http/upstream-body.ts'
/** The BodyLimits an environment sets; a bad value throws naming the variable. */
export { bodyLimitsOf } from '../http/upstream-body.ts'
/** A body's byte chunks, one network read at a time; a read that waits longer than the idle time fails with 504. */
export { readBody } from '../http/upstream-body.ts'
/** The 502 for a streamed chunk past MC_MAX_CHUNK_BYTES, saying how to raise it. */
export { chunkTooLarge } from '../http/upstream-body.ts'
/** The 502 for a whole body past MC_MAX_RESPONSE_BYTES, saying how to raise it. */
export { bodyTooLarge } from '../http/upstream-body.ts'
/** The start of a body as one short line, for messages. */
export { excerptOf } from '../http/upstream-body.ts'

// Processes
/** A child process under mc's supervisor, in its own process group: stopping it stops all it started. */
export { SupervisedProcess, type SupervisedOptions } from '../process/supervised.ts'
/** The command that runs this mc in a worker mode: `mc HIDDEN_ARG` when built, else Bun on the worker's entry file. */
export { workerCommand } from '../process/worker-command.ts'
export * from './upstream-spans.ts' // Observation: spans of upstream requests, for metrics and traces
