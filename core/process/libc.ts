// The few Linux calls Bun has no API for, made through bun:ffi. Where libc.so.6
// cannot be opened (macOS, musl), each call does nothing and returns false.

import { dlopen, FFIType } from 'bun:ffi'
import { constants } from 'node:os'

const PR_SET_PDEATHSIG = 1
const PR_SET_CHILD_SUBREAPER = 36
const WNOHANG = 1

function open() {
  if (process.platform !== 'linux') return undefined
  try {
    return dlopen('libc.so.6', {
      prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
      waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
    }).symbols
  } catch {
    return undefined
  }
}

let libc: ReturnType<typeof open> | null = null
const calls = () => (libc ??= open())

/** Orphans among this process's descendants are re-parented to it rather than to init. */
export function setChildSubreaper(): boolean {
  return calls()?.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) === 0
}

/**
 * The kernel sends `signal` to this process when its parent dies (even by
 * SIGKILL); strictly, when the parent's thread that started it ends: mc and the
 * launcher start children from their main thread.
 */
export function setParentDeathSignal(signal: 'SIGTERM' | 'SIGKILL'): boolean {
  return calls()?.prctl(PR_SET_PDEATHSIG, constants.signals[signal], 0, 0, 0) === 0
}

/** Collects an exited child's status without blocking; true when it was a zombie child of ours. */
export function reapChild(pid: number): boolean {
  return (calls()?.waitpid(pid, null, WNOHANG) ?? 0) > 0
}
