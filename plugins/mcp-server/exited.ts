// The error for a managed MCP server that ended: its exit code and last lines.

export function exitedError(id: string, server: { exitCode: number | null; tail(): string }): Error {
  const tail = server.tail()
  return new Error(`server "${id}" exited with code ${server.exitCode}${tail ? `; its last lines:\n${tail}` : ' and wrote nothing'}`)
}
