// The error of a compose file that does not load: one line naming file:line:col
// (and the key path) where the problem is.

import { formatPlace, type Place } from './places.ts'

/** A problem with the compose file(s), found while loading: names file:line:col. */
export class ComposeError extends Error {
  constructor(
    readonly reason: string,
    readonly place?: Place,
    readonly keyPath?: string,
  ) {
    const where = formatPlace(place)
    super(`${where ? `${where}: ` : ''}${keyPath ? `${keyPath}: ` : ''}${reason}`)
  }
}
