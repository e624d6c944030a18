// What the tests that watch processes share, read from `ps`: whether a process
// still runs, and the members of a process group (mc starts a managed server
// in a group of its own, and must leave nothing of it behind). A zombie (it
// exited; its parent has not reaped it yet) does not count as running.

import { expect } from 'bun:test'

/** The process runs (it exists and is not a zombie). */
export function alive(pid: number): boolean {
  const stat = Bun.spawnSync(['ps', '-o', 'stat=', '-p', String(pid)]).stdout.toString().trim()
  return stat !== '' && !stat.startsWith('Z')
}

/** The process group of a process. */
export function groupOf(pid: number): number {
  return Number(Bun.spawnSync(['ps', '-o', 'pgid=', '-p', String(pid)]).stdout.toString().trim())
}

/** Live (not zombie) processes of a group: `pid stat args` lines. */
export function groupMembers(pgid: number): string[] {
  return Bun.spawnSync(['ps', '-o', 'pid=,stat=,args=', '-g', String(pgid)])
    .stdout.toString()
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^\d+\s+Z/.test(line))
}

/** Waits (5 s at most) until nothing of the group runs, then asserts it. */
export async function expectGroupGone(pgid: number): Promise<void> {
  const deadline = Date.now() + 5000
  while (groupMembers(pgid).length > 0 && Date.now() < deadline) await Bun.sleep(20)
  expect(groupMembers(pgid)).toEqual([])
}
