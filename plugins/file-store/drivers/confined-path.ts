// Paths a run names, kept inside the store's base folder whatever the input:
// a path is relative, has no ".." segment, no backslash and no NUL, and no
// part of it that exists on disk is a symbolic link (mc never follows one, so a
// link planted in the folder cannot lead out). Checked before any file is
// opened; files are then opened with O_NOFOLLOW as well (local.ts).

import { lstatSync } from 'node:fs'
import { join } from 'node:path'
import { invalidInput } from '../../../core/plugin/api.ts'

export interface ConfinedPath {
  /** The path as the store names it: segments joined by "/", without "." or empty ones. */
  relative: string
  absolute: string
}

/** `path` inside `base` (a real path, no links in it), or a 422 naming `where`; "" is the base itself when `allowBase`. */
export function confine(base: string, path: unknown, where: string, allowBase = false): ConfinedPath {
  if (typeof path !== 'string') throw invalidInput(`${where}: expected a path, got ${path === null ? 'null' : typeof path}`)
  if (path.includes('\0')) throw invalidInput(`${where}: a path cannot hold a NUL character`)
  if (path.includes('\\')) throw invalidInput(`${where}: use "/" between folders, not "\\"`)
  if (path.startsWith('/') || path.startsWith('~')) throw invalidInput(`${where}: "${path}" is absolute: paths are relative to the store's base folder`)
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.')
  if (segments.includes('..')) throw invalidInput(`${where}: ".." is not allowed: paths stay inside the store's base folder`)
  if (segments.length === 0 && !allowBase) throw invalidInput(`${where}: empty: name a file inside the store`)
  let walked = base
  for (const segment of segments) {
    walked = join(walked, segment)
    const stat = lstatSync(walked, { throwIfNoEntry: false })
    if (stat === undefined) break
    if (stat.isSymbolicLink()) throw invalidInput(`${where}: "${path}" goes through a symbolic link, which the store does not follow`)
  }
  return { relative: segments.join('/'), absolute: join(base, ...segments) }
}
