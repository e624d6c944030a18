// The ids a compose file gives things, and the ones mc gives what the file
// leaves unnamed.

import { Type } from '@sinclair/typebox'

/** The id of a lone `component:` or `workflow:` (model-compose: `__default__`, `__workflow__` for a workflow). */
export const DEFAULT_ID = '__default__'

/** The id of a workflow's lone job. */
export const DEFAULT_JOB_ID = '__job__'

/** An id as the file writes it: letters, digits, "_", "-" or ".". */
export const Id = Type.String({ minLength: 1, pattern: '^[A-Za-z0-9_.\\-]+$', errorMessage: 'expected an id: letters, digits, "_", "-" or "."' })
