// Native code may be loaded only from a folder where nobody but this user (and
// root, who can do anything anyway) can change what the loader will read
// between the check and the load. The rule, on the folder's real path
// (symbolic links resolved, so the load goes through the path checked):
//  - the folders mc keeps files in (a cache folder and the folder inside it that
//    holds one set of files) must be this user's and not writable by group or
//    others: whoever can write a folder can rename or replace what is in it;
//  - every folder above them, up to /, must be root's or this user's, and may be
//    writable by group or others only when sticky (/tmp, /dev/shm: 1777): there
//    others can add entries of their own but not rename or remove ours. A folder
//    of another user's anywhere on the path could be chmod-ed by them and its
//    contents swapped, so it is refused too.
// Access lists count too: a POSIX ACL granting write shows in the group bits.
// A refusal names the folder and why. Without POSIX owners (Windows) nothing is checked.

import { lstatSync, mkdirSync, realpathSync, type Stats } from 'node:fs'
import { dirname, join } from 'node:path'

/** A folder that fails the rule: its message is "<path>: <why>: refused[; <what to do>]". */
export class RefusedPath extends Error {
  constructor(path: string, why: string, advice?: string) {
    super(`${path}: ${why}: refused${advice ? `; ${advice}` : ''}`)
  }
}

const STICKY = 0o1000
const GROUP_WRITE = 0o020
const OTHER_WRITE = 0o002

/**
 * Creates `path` where missing (0700, every level made) and returns its real path
 * once it and every folder above it pass the rule; throws RefusedPath otherwise.
 */
export function privateFolder(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 })
  const uid = process.getuid?.()
  if (uid === undefined) return realpathSync(path)
  // A link someone else left in a shared folder (/tmp/mc-native-<uid>) could send the files anywhere.
  const link = lstatSync(path)
  if (link.isSymbolicLink() && link.uid !== uid && link.uid !== 0) throw new RefusedPath(path, `a symbolic link owned by uid ${link.uid}, not you (${uid})`)
  const real = realpathSync(path)
  checkOwn(real, lstatSync(real), uid)
  for (let above = dirname(real), below = real; above !== below; below = above, above = dirname(above)) {
    checkAncestor(`${above} (above ${real})`, lstatSync(above), uid)
  }
  return real
}

/** `name` inside a private folder, created (0700) when missing; its path once it passes the rule. */
export function privateSubfolder(parent: string, name: string): string {
  const path = join(parent, name)
  try {
    mkdirSync(path, { mode: 0o700 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const uid = process.getuid?.()
  if (uid !== undefined) checkOwn(path, lstatSync(path), uid)
  return path
}

/** Why a file in a private folder cannot be trusted as it is (it is then rewritten), or undefined. */
export function untrustedFile(stats: Stats): string | undefined {
  if (!stats.isFile()) return 'not a regular file'
  const uid = process.getuid?.()
  if (uid === undefined) return undefined
  if (stats.uid !== uid) return `owned by uid ${stats.uid}, not you (${uid})`
  return writableBy(stats.mode)
}

/** A folder mc keeps files in: this user's, a real folder, written by nobody else. */
function checkOwn(path: string, stats: Stats, uid: number): void {
  if (!stats.isDirectory()) throw new RefusedPath(path, stats.isSymbolicLink() ? 'a symbolic link, not a folder' : 'not a folder')
  if (stats.uid !== uid) throw new RefusedPath(path, `owned by uid ${stats.uid}, not you (${uid})`)
  const writable = writableBy(stats.mode)
  if (writable) throw new RefusedPath(path, writable, 'chmod go-w it')
}

/** A folder above: root's or this user's; writable by others only if sticky (they cannot rename our entry then). */
function checkAncestor(named: string, stats: Stats, uid: number): void {
  if (stats.uid !== uid && stats.uid !== 0) throw new RefusedPath(named, `owned by uid ${stats.uid}, neither you (${uid}) nor root`)
  const writable = writableBy(stats.mode)
  if (writable && !(stats.mode & STICKY)) throw new RefusedPath(named, `${writable} and not sticky`, 'chmod go-w it')
}

function writableBy(mode: number): string | undefined {
  const who = [mode & GROUP_WRITE ? 'group' : '', mode & OTHER_WRITE ? 'others' : ''].filter(Boolean).join(' and ')
  return who ? `writable by ${who} (mode ${(mode & 0o7777).toString(8).padStart(4, '0')})` : undefined
}
