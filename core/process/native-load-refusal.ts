// When the loader fails on a native file, whether the folder was at fault
// (another folder may work) and why, in words that do not guess: a folder on a
// noexec mount (read from /proc/self/mountinfo) is named as such; a refusal to
// map code or a permission error elsewhere says so without blaming a mount.

import { readFileSync } from 'node:fs'

/** The loader's words for refusing to map or open the file: noexec, a security policy, permissions. */
const REFUSED = /failed to map segment|operation not permitted|permission denied/i
const CANNOT_MAP = /failed to map segment/i

/** Why loading from `folder` (a real path) failed because of where it is, or undefined when the file itself is at fault. */
export function loadRefusal(folder: string, message: string): string | undefined {
  if (!REFUSED.test(message)) return undefined
  const mount = noexecMount(folder)
  if (mount) return `cannot execute files there: ${mount} is mounted noexec`
  const what = CANNOT_MAP.test(message) ? 'the system refused to map code from there' : 'permission denied loading from there'
  return `${what} (not a noexec mount; a security policy?): ${message}`
}

/** The mount point holding `path` when that mount is noexec (Linux); otherwise undefined. */
function noexecMount(path: string): string | undefined {
  let table: string
  try {
    table = readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return undefined
  }
  let holder: { point: string; noexec: boolean } | undefined
  for (const line of table.split('\n')) {
    // "36 35 98:0 /root /mount/point rw,noexec,relatime ...": field 5 is where, field 6 the mount's own flags.
    const fields = line.split(' ')
    const point = fields[4]?.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)))
    if (!point || !(path === point || path.startsWith(point.endsWith('/') ? point : `${point}/`))) continue
    // The deepest mount wins; of two at the same place, the later (it is on top).
    if (!holder || point.length >= holder.point.length) holder = { point, noexec: (fields[5] ?? '').split(',').includes('noexec') }
  }
  return holder?.noexec ? holder.point : undefined
}
