// The processes below a given one, from the kernel's parent links: /proc on
// Linux, `ps` elsewhere. A process that called setsid, or whose parent died
// and was re-parented to a subreaper, is still found below that subreaper.

import { readdirSync, readFileSync } from 'node:fs'

export interface ProcessEntry {
  pid: number
  ppid: number
  /** Exited, waiting for its parent to collect its status: nothing left to stop. */
  zombie: boolean
}

export function processTable(): ProcessEntry[] {
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return fromPs()
  }
  const table: ProcessEntry[] = []
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    try {
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.push({ pid: Number(name), ppid: Number(ppid), zombie: state === 'Z' || state === 'X' })
    } catch {
      // exited between readdir and read
    }
  }
  return table
}

function fromPs(): ProcessEntry[] {
  const out = Bun.spawnSync(['ps', '-A', '-o', 'pid=,ppid=,stat=']).stdout.toString()
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length === 3)
    .map(([pid, ppid, stat]) => ({ pid: Number(pid), ppid: Number(ppid), zombie: stat!.startsWith('Z') }))
}

/** Every process below `root` that has not exited yet. */
export function liveDescendants(root: number, table: ProcessEntry[]): number[] {
  const children = new Map<number, ProcessEntry[]>()
  for (const entry of table) {
    const siblings = children.get(entry.ppid)
    if (siblings) siblings.push(entry)
    else children.set(entry.ppid, [entry])
  }
  const found: number[] = []
  const queue = [root]
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      queue.push(child.pid)
      if (!child.zombie) found.push(child.pid)
    }
  }
  return found
}
